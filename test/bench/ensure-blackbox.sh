#!/usr/bin/env bash
# Installs Debian's prometheus-blackbox-exporter when it is missing (the overhead benchmark
# compares chainprobe against it). Needs root or sudo on Debian/Ubuntu; elsewhere it says
# what to install and fails, and the benchmark reports the comparison as skipped.
set -euo pipefail

command -v prometheus-blackbox-exporter >/dev/null 2>&1 && exit 0
command -v blackbox_exporter >/dev/null 2>&1 && exit 0

echo "ensure-blackbox: installing prometheus-blackbox-exporter (Debian package)" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-blackbox: no apt-get here; install blackbox_exporter by hand" >&2
  exit 1
fi
sudo=''
[ "$(id -u)" -eq 0 ] || sudo='sudo'
export DEBIAN_FRONTEND=noninteractive
# Another installer (npm test's ensure-tools.sh) may hold the dpkg lock: wait for it.
$sudo apt-get -o DPkg::Lock::Timeout=180 update -qq >/dev/null
$sudo apt-get -o DPkg::Lock::Timeout=180 install -y -qq --no-install-recommends \
  prometheus-blackbox-exporter >/dev/null
# The package starts its service when systemd runs; the benchmark starts its own.
$sudo systemctl stop prometheus-blackbox-exporter >/dev/null 2>&1 || true

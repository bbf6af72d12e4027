#!/usr/bin/env bash
# Installs the real tools the tests run when they are missing: Debian's prometheus (server and
# promtool), alertmanager (with amtool) and chromium (headless, for the status page test, driven
# by playwright-core). Needs root or sudo on Debian/Ubuntu; elsewhere it says what to install
# and fails.
set -euo pipefail

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
[ -x /usr/bin/prometheus-alertmanager ] || command -v alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "ensure-tools: installing ${pkgs[*]} (Debian packages)" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-tools: no apt-get here; install ${pkgs[*]} by hand" >&2
  exit 1
fi
sudo=''
[ "$(id -u)" -eq 0 ] || sudo='sudo'
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
# The Debian packages start their services when systemd runs; the tests start their own.
for svc in prometheus prometheus-alertmanager prometheus-node-exporter; do
  $sudo systemctl stop "$svc" >/dev/null 2>&1 || true
done

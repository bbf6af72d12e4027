import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium, installed by test/setup/ensure-tools.sh. */
export const CHROMIUM = '/usr/bin/chromium';

/** True when the headless browser the UI tests drive is installed. */
export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

/** Launches headless Chromium with everything that would reach beyond loopback switched off. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

import { chromium, type Browser } from 'playwright-core';
import { ensureDebianPackage } from './debian';

/**
 * Headless Chromium from Debian's packages, installed when missing and the tests run as root;
 * `unavailable` says why a browser test is skipped otherwise.
 */
export const chromiumPath = '/usr/bin/chromium';
export const browserUnavailable = ensureDebianPackage('chromium', chromiumPath);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
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

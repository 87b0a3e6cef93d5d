import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * A Debian package's program: found, or installed when the tests run as root; otherwise the
 * reason it cannot be had, so the caller can skip with a clear message.
 */
export function ensureDebianPackage(pkg: string, binary: string): string | undefined {
  if (fs.existsSync(binary)) return undefined;
  if (process.getuid?.() !== 0) return `${pkg} is not installed and the tests are not root (apt-get install ${pkg})`;
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], {
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { timeout: 180_000 });
    install();
  }
  return fs.existsSync(binary) ? undefined : `${pkg} could not be installed from Debian packages`;
}

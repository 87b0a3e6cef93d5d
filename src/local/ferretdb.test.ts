import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ferretDb, ferretDbBinary, ferretDbBuilt } from './ferretdb';

/**
 * The build's plumbing, on a stand-in `go` that answers as Go does (the real build takes minutes and the
 * network: the integration layer's global setup runs it). The stand-in's "binary" is the version.txt it
 * was built with, so a build that forgot that file shows.
 */
const fakeGo = `#!/bin/sh
case "$1" in
  version) echo "go version go0.0 stand-in" ;;
  mod) printf '{"Dir":"%s"}\\n' "$FAKE_GO_MODULE" ;;
  build)
    if [ -n "$FAKE_GO_HANG" ]; then echo $$ > "$FAKE_GO_HANG"; exec sleep 60; fi
    cp build/version/version.txt "$4" ;;
esac
`;

describe('the FerretDB build', () => {
  const saved = { PATH: process.env.PATH, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-ferretdb-build-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    fs.writeFileSync(path.join(dir, 'bin', 'go'), fakeGo, { mode: 0o755 });
    // The module as Go's cache holds it: read-only, and without build/version/version.txt.
    fs.mkdirSync(path.join(dir, 'module', 'build', 'version'), { recursive: true });
    fs.chmodSync(path.join(dir, 'module', 'build', 'version'), 0o555);
    process.env.PATH = `${path.join(dir, 'bin')}${path.delimiter}${saved.PATH}`;
    process.env.XDG_CACHE_HOME = path.join(dir, 'cache');
    process.env.FAKE_GO_MODULE = path.join(dir, 'module');
  });

  afterEach(() => {
    Object.assign(process.env, saved);
    delete process.env.FAKE_GO_MODULE;
    delete process.env.FAKE_GO_HANG;
    fs.chmodSync(path.join(dir, 'module', 'build', 'version'), 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('builds once, saying so once, with the version file written; later starts only find it', async () => {
    const said: string[] = [];
    const log = (message: string) => said.push(message);
    expect(ferretDbBuilt()).toBe(false);
    const [binary, same] = await Promise.all([ferretDbBinary(log), ferretDbBinary(log)]);
    expect(same).toBe(binary);
    expect(binary).toBe(path.join(dir, 'cache', 'ferretdb', ferretDb.version, 'ferretdb'));
    expect(fs.readFileSync(binary, 'utf8')).toBe(ferretDb.version);
    expect(said).toEqual([
      expect.stringMatching(/^building FerretDB v[\d.]+ from the Go module proxy .*once per machine/),
      `built FerretDB ${ferretDb.version}`,
    ]);
    expect(await ferretDbBinary(log)).toBe(binary);
    expect(said).toHaveLength(2);
    // Nothing of the build is left beside the binary.
    expect(fs.readdirSync(path.join(dir, 'cache', 'ferretdb'))).toEqual([ferretDb.version]);
  });

  it('stops a build at its own deadline, with an error that names the build, and leaves no process or half a binary', async () => {
    const pidFile = path.join(dir, 'go.pid');
    process.env.FAKE_GO_HANG = pidFile;
    await expect(ferretDbBinary(undefined, 1_000)).rejects.toThrow(`Building FerretDB ${ferretDb.version}: go build -trimpath -o`);
    await expect(ferretDbBinary(undefined, 1_000)).rejects.toThrow("stopped at the build's deadline (1 s)");
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
    expect(ferretDbBuilt()).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'cache', 'ferretdb'))).toEqual([]);
  });
});

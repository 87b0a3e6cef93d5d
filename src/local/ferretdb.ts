import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { placeWhole } from './place-whole';

/**
 * A local MongoDB-protocol server for the DocumentDB engine: FerretDB, which speaks MongoDB's wire
 * protocol over SQLite as DocumentDB speaks it over its own storage. No MongoDB server can be had
 * here (none is packaged for npm or Debian); FerretDB is built from the Go module proxy, once per
 * machine. It listens on 127.0.0.1 with TLS only, with a certificate of a CA made for it, and takes
 * SCRAM-SHA-256 logins, as DocumentDB does.
 */
export const ferretDb = Object.freeze({
  module: 'github.com/FerretDB/FerretDB',
  version: 'v1.24.2',
  startTimeoutMs: 30_000,
});

/** Why the server cannot be had on this machine, or undefined when it can. Go is needed only until the server is built. */
export function ferretDbMissing(): string | undefined {
  const tools = fs.existsSync(binaryPath()) ? ['openssl'] : ['go', 'openssl'];
  const missing = tools.filter((tool) => spawnSync(tool, ['version'], { stdio: 'ignore' }).status !== 0);
  if (!missing.length) return undefined;
  return (
    `the local DocumentDB server (FerretDB ${ferretDb.version}) needs ${missing.join(' and ')} on PATH` +
    (missing.includes('go') ? ' (Go 1.24 or later, which builds it from the Go module proxy once per machine)' : '')
  );
}

/** The machine's cache of built servers: shared by every clone, as Go's own module and build caches are. */
function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'users-api', `ferretdb-${ferretDb.version}`);
}

function binaryPath(): string {
  return path.join(cacheDir(), 'ferretdb');
}

/**
 * The server's binary, built on first use. FerretDB's `build/version` package panics at start when
 * its main module is FerretDB and `version.txt` is absent, as it is from the module's zip: the build
 * runs in a copy of the module with that file written. Its dependencies are those of its own go.sum.
 */
export function ferretDbBinary(log: (message: string) => void = () => undefined): string {
  const dir = cacheDir();
  const binary = binaryPath();
  if (fs.existsSync(binary)) return binary;
  const missing = ferretDbMissing();
  if (missing) throw new Error(`Cannot build ${missing}`);
  log(`building FerretDB ${ferretDb.version} from the Go module proxy into ${dir} (once per machine, about two minutes)`);
  const env = { ...process.env, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' };
  const go = (args: string[], cwd?: string) => execFileSync('go', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  placeWhole(dir, (staging) => {
    const { Dir: moduleDir } = JSON.parse(go(['mod', 'download', '-json', `${ferretDb.module}@${ferretDb.version}`])) as { Dir: string };
    const source = path.join(staging, 'source');
    fs.cpSync(moduleDir, source, { recursive: true });
    // The module cache is read-only.
    execFileSync('chmod', ['-R', 'u+w', source]);
    fs.writeFileSync(path.join(source, 'build/version/version.txt'), ferretDb.version);
    go(['build', '-trimpath', '-o', path.join(staging, 'ferretdb'), './cmd/ferretdb'], source);
    fs.rmSync(source, { recursive: true, force: true });
  });
  return binary;
}

export interface ServerTls {
  /** The CA that signed the server's certificate: what a client verifies it with (as DocumentDB's CA bundle). */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A CA made for the local server, and the server's certificate for 127.0.0.1 and localhost, kept in `dir`. */
export function serverTls(dir: string): ServerTls {
  const files = { caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'server.pem'), keyFile: path.join(dir, 'server.key') };
  if (fs.existsSync(files.keyFile)) return files;
  placeWhole(dir, (staging) => {
    fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: staging, stdio: 'pipe' });
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      '/CN=users-api local DocumentDB CA',
    );
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    fs.writeFileSync(path.join(staging, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '3650',
      '-extfile',
      'server.ext',
    );
  });
  return files;
}

export interface FerretDbOptions {
  /** Its own folder: the SQLite databases, its state and its TLS files. Kept across starts. */
  dataDir: string;
  port: number;
  /** The login made when the folder is new (in `admin`, as DocumentDB's master user); later starts keep the stored one. */
  username: string;
  password: string;
  log?: (message: string) => void;
}

export interface FerretDbServer {
  host: string;
  port: number;
  dataDir: string;
  tls: ServerTls;
  pid: number;
  stop(): Promise<void>;
  /** For `process.on('exit')`: only synchronous work runs then. */
  stopNow(): void;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts FerretDB on 127.0.0.1:`port`, TLS only; resolves once it accepts connections. */
export async function startFerretDb({
  dataDir,
  port,
  username,
  password,
  log = () => undefined,
}: FerretDbOptions): Promise<FerretDbServer> {
  const binary = ferretDbBinary(log);
  const tls = serverTls(path.join(dataDir, 'tls'));
  const sqliteDir = path.join(dataDir, 'sqlite');
  fs.mkdirSync(sqliteDir, { recursive: true });
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${sqliteDir}/`,
      `--state-dir=${dataDir}`,
      // TLS only, as DocumentDB: no plain listener, no debug listener, nothing sent home.
      '--listen-addr=',
      `--listen-tls=127.0.0.1:${port}`,
      `--listen-tls-cert-file=${tls.certFile}`,
      `--listen-tls-key-file=${tls.keyFile}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
      // SCRAM-SHA-256 logins, checked against the users it stores.
      '--test-enable-new-auth',
      `--setup-username=${username}`,
      `--setup-password=${password}`,
      '--setup-database=admin',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const stopNow = () => {
    if (running()) child.kill('SIGKILL');
  };
  const stop = async () => {
    if (running()) child.kill('SIGTERM');
    const timer = setTimeout(stopNow, 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + ferretDb.startTimeoutMs;
  while (!(await accepts(port)) || !running()) {
    if (!running() || Date.now() > deadline) {
      const why = running() ? `within ${ferretDb.startTimeoutMs} ms` : `: it exited (code ${child.exitCode})`;
      await stop();
      throw new Error(`FerretDB did not start on 127.0.0.1:${port} ${why}\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { host: '127.0.0.1', port, dataDir, tls, pid: child.pid!, stop, stopNow };
}

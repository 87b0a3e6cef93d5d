import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { placeWhole } from './place-whole';
import { trackProcess } from './started-processes';

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
  /** The first build on a machine with empty Go caches takes about 90 s on two idle cores; a busy machine, longer. */
  buildTimeoutMs: 600_000,
});

/** Why the server cannot be had on this machine, or undefined when it can. Go is needed only until the server is built. */
export function ferretDbMissing(): string | undefined {
  const tools = ferretDbBuilt() ? ['openssl'] : ['go', 'openssl'];
  const missing = tools.filter((tool) => spawnSync(tool, ['version'], { stdio: 'ignore' }).status !== 0);
  if (!missing.length) return undefined;
  return (
    `the local DocumentDB server (FerretDB ${ferretDb.version}) needs ${missing.join(' and ')} on PATH` +
    (missing.includes('go') ? ' (Go 1.24 or later, which builds it from the Go module proxy once per machine)' : '')
  );
}

/** The machine's cache of built servers: shared by every clone, as Go's own module and build caches are. */
function cacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ferretdb', ferretDb.version);
}

function binaryPath(): string {
  return path.join(cacheDir(), 'ferretdb');
}

/** Whether this machine has built the server: then it starts in a second, with no Go and no network. */
export function ferretDbBuilt(): boolean {
  return fs.existsSync(binaryPath());
}

/** When a build must have ended, and how long it was given. */
interface Deadline {
  at: number;
  ms: number;
}

/** Runs `go`, in its own process group (the compilers it starts end with it), within the build's deadline. */
function go(args: string[], options: { cwd?: string; deadline: Deadline }): Promise<string> {
  const child = spawn('go', args, {
    cwd: options.cwd,
    env: { ...process.env, GOFLAGS: '-buildvcs=false', GOTOOLCHAIN: 'local' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const running = () => child.exitCode === null && child.signalCode === null;
  const killGroup = () => {
    try {
      if (running()) process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
  trackProcess(child, async () => {
    killGroup();
    await exited.catch(() => undefined);
  });
  const timer = setTimeout(killGroup, Math.max(0, options.deadline.at - Date.now()));
  return exited
    .finally(() => clearTimeout(timer))
    .then((code) => {
      if (code === 0) return stdout;
      const why =
        Date.now() >= options.deadline.at ? `stopped at the build's deadline (${options.deadline.ms / 1000} s)` : `failed (code ${code})`;
      throw new Error(`Building FerretDB ${ferretDb.version}: go ${args.join(' ')} ${why}\n${stderr}`);
    });
}

let building: Promise<string> | undefined;

/**
 * The server's binary, built on first use (within `buildTimeoutMs`, saying so through `log`).
 * FerretDB's `build/version` package panics at start when its main module is FerretDB and
 * `version.txt` is absent, as it is from the module's zip: the build runs in a copy of the module with
 * that file written. Its dependencies are those of its own go.sum.
 */
export function ferretDbBinary(
  log: (message: string) => void = () => undefined,
  buildTimeoutMs: number = ferretDb.buildTimeoutMs,
): Promise<string> {
  if (ferretDbBuilt()) return Promise.resolve(binaryPath());
  building ??= buildFerretDb(log, { at: Date.now() + buildTimeoutMs, ms: buildTimeoutMs }).finally(() => (building = undefined));
  return building;
}

async function buildFerretDb(log: (message: string) => void, deadline: Deadline): Promise<string> {
  const missing = ferretDbMissing();
  if (missing) throw new Error(`Cannot build ${missing}`);
  const dir = cacheDir();
  log(`building FerretDB ${ferretDb.version} from the Go module proxy into ${dir} (once per machine, about two minutes)`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const work = fs.mkdtempSync(`${dir}.build-`);
  try {
    const downloaded = await go(['mod', 'download', '-json', `${ferretDb.module}@${ferretDb.version}`], { deadline });
    const { Dir: moduleDir } = JSON.parse(downloaded) as { Dir: string };
    const source = path.join(work, 'source');
    fs.cpSync(moduleDir, source, { recursive: true });
    // The module cache is read-only.
    execFileSync('chmod', ['-R', 'u+w', source]);
    fs.writeFileSync(path.join(source, 'build/version/version.txt'), ferretDb.version);
    await go(['build', '-trimpath', '-o', path.join(work, 'ferretdb'), './cmd/ferretdb'], { cwd: source, deadline });
    placeWhole(dir, (staging) => {
      fs.mkdirSync(staging);
      fs.renameSync(path.join(work, 'ferretdb'), path.join(staging, 'ferretdb'));
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`built FerretDB ${ferretDb.version}`);
  return binaryPath();
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
      '/CN=local DocumentDB CA',
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
  const binary = await ferretDbBinary(log);
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
  trackProcess(child, stop);
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

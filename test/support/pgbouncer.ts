import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/local/local-stack';
import { trackProcess } from '../../src/local/started-processes';
import { ensureDebianPackage } from './debian';

const binary = '/usr/sbin/pgbouncer';

/** Debian's pgbouncer, installed when missing and the tests are root; otherwise why it cannot be had. */
export const ensurePgbouncer = () => ensureDebianPackage('pgbouncer', binary);

export interface Pgbouncer {
  port: number;
  /** SHOW POOLS through the admin console is not needed: server connections are counted in pg_stat_activity. */
  stop(): Promise<void>;
}

/** pgbouncer in transaction mode (the multiplexing RDS Proxy does) in front of `target`. */
export async function startPgbouncer(target: { port: number }, user: string, password: string, poolSize: number): Promise<Pgbouncer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbouncer-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const userlist = path.join(dir, 'userlist.txt');
  fs.writeFileSync(userlist, `"${user}" "${password}"\n`);
  const ini = path.join(dir, 'pgbouncer.ini');
  fs.writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${target.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${userlist}`,
      'pool_mode = transaction',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits',
      '',
    ].join('\n'),
  );
  // pgbouncer refuses to run as root.
  const as =
    process.getuid?.() === 0
      ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
      : {};
  if ('uid' in as) for (const file of [dir, userlist, ini]) fs.chownSync(file, as.uid!, as.gid!);
  const child: ChildProcess = spawn(binary, [ini], { ...as, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  trackProcess(child, stop);
  const deadline = Date.now() + 10_000;
  while (!/process up|listening on/i.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`pgbouncer did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, stop };
}

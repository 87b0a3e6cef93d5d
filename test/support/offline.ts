import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { DbSecret } from '../../src/lib/storage/secret';
import { startTestDatabase, type TestDatabase } from './postgres';
import { freePorts } from '../../src/local/local-stack';
import { trackProcess } from '../../src/local/started-processes';
import { loadSigningKey, signToken, type TokenRequest } from '../../src/local/token-issuer';
import { allScopes } from './auth';
import { expectContract } from './contract';
import { runtimeNodeOrThisOne } from './lambda-runtime';

const root = path.resolve(__dirname, '../..');

export interface OfflineServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** `Bearer <token>` of this server's local issuer: every scope unless told otherwise. */
  authorization(request?: Partial<TokenRequest>): string;
  /** SIGTERM, as a supervisor would send; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * `sls offline --stage local` on free loopback ports (of the project at `cwd`), with its `.local` folder at `localDir`, on the
 * Lambda runtime's Node.js major (this machine's when that cannot be installed): the handlers run in
 * its worker threads, as in AWS on that major.
 */
export async function startOffline(localDir: string, timeoutMs = 90_000, extraArgs: string[] = [], cwd = root): Promise<OfflineServer> {
  const [httpPort, lambdaPort] = await freePorts(2);
  let output = '';
  const child = spawn(
    runtimeNodeOrThisOne('sls offline and its handlers run'),
    [
      require.resolve('serverless/bin/serverless.js'),
      'offline',
      '--stage',
      'local',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
      ...extraArgs,
    ],
    {
      cwd,
      // The functions print their metrics as the local stage does, whatever the test process disables for itself.
      env: { ...process.env, LOCAL_STACK_DIR: localDir, CI: 'true', SLS_TELEMETRY_DISABLED: '1', POWERTOOLS_METRICS_DISABLED: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const server: OfflineServer = {
    url: `http://127.0.0.1:${httpPort}`,
    child,
    output: () => output,
    authorization: (request = {}) => `Bearer ${signToken(loadSigningKey(localDir), { scopes: allScopes(), ...request })}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  trackProcess(child, server.stop);
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('Server ready')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await server.stop();
      throw new Error(`sls offline did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return server;
}

/** What `npm run token -- --scope <scopes>` prints for the local stack whose `.local` folder is `localDir`. */
export async function printedToken(localDir: string, scopes: string, cwd = root): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), 'scripts/token.ts', '--scope', scopes],
      { cwd, env: { ...process.env, LOCAL_STACK_DIR: localDir } },
      (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
    ),
  );
}

/** A `.local` folder whose `secrets/db.json` names `secret`, as a developer pointing at another database writes it. */
export function localDirNaming(secret: DbSecret): string {
  const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-local-'));
  fs.mkdirSync(path.join(localDir, 'secrets'));
  fs.writeFileSync(path.join(localDir, 'secrets', 'db.json'), JSON.stringify(secret));
  return localDir;
}

export interface OfflineOnDatabase {
  database: TestDatabase;
  offline: OfflineServer;
  localDir: string;
  /** Stops the server and the database, and removes the folder; also after a failed test. */
  stop(): Promise<void>;
}

/**
 * sls offline against a real PostgreSQL of its own, named by `.local/secrets/db.json`. `secretFor`
 * prepares the database and returns the login to name (the superuser by default).
 */
export async function startOfflineOnTestDatabase(
  options: {
    settings?: Record<string, string | number>;
    /** Whether the test database starts with the migrations applied (by its superuser). */
    migrated?: boolean;
    secretFor?: (database: TestDatabase) => Promise<DbSecret>;
    extraArgs?: string[];
  } = {},
): Promise<OfflineOnDatabase> {
  const database = await startTestDatabase(options.settings, { migrated: options.migrated });
  let localDir: string | undefined;
  let offline: OfflineServer | undefined;
  const stop = async () => {
    await offline?.stop();
    await database.stop();
    if (localDir) fs.rmSync(localDir, { recursive: true, force: true });
  };
  try {
    localDir = localDirNaming(options.secretFor ? await options.secretFor(database) : database.secret);
    offline = await startOffline(localDir, 90_000, options.extraArgs);
    return { database, offline, localDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `error`, with the last ERROR lines `server` logged: a 500's cause is in its ERROR line, never in the answer. */
export function withServiceErrors(error: unknown, server: OfflineServer): unknown {
  const logged = server
    .output()
    .split('\n')
    .filter((line) => /"level":"(ERROR|FATAL)"/.test(line))
    .slice(-3);
  if (logged.length && error instanceof Error) error.message += `\nThe service's last ERROR lines:\n${logged.join('\n')}`;
  return error;
}

export interface Reply {
  status: number;
  headers: Headers;
  /** JSON bodies parsed; any other body as text. */
  body: any;
  text: string;
}

/**
 * A request to `server`, with a token of its local issuer unless it brings its own Authorization
 * or is `anonymous`. The response must keep openapi.json (test/support/contract.ts), or the test fails.
 */
export async function request(
  server: OfflineServer,
  method: string,
  route: string,
  init: { body?: string; headers?: Record<string, string>; anonymous?: boolean } = {},
): Promise<Reply> {
  const headers = { ...(init.anonymous ? {} : { authorization: server.authorization() }), ...init.headers };
  const response = await fetch(server.url + route, { method, body: init.body, headers, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  try {
    expectContract({ method, path: route, status: response.status, headers: Object.fromEntries(response.headers), body: text });
  } catch (error) {
    throw withServiceErrors(error, server);
  }
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, body: text && type.includes('json') ? JSON.parse(text) : text, text };
}

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A request with exactly these bytes (and a valid token) to `server`: no client library adds or fixes a header, and any
 * method goes (fetch refuses TRACE). The response must keep openapi.json, or the promise rejects.
 */
export function rawRequest(
  server: OfflineServer,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string | null,
): Promise<RawReply> {
  const url = new URL(server.url);
  headers = { authorization: server.authorization(), ...headers };
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, method, path: target, headers, timeout: 10_000, agent: false },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)]));
          try {
            expectContract({ method, path: target, status: response.statusCode!, headers, body: text });
            resolve({ status: response.statusCode!, headers: response.headers, text });
          } catch (error) {
            reject(withServiceErrors(error, server));
          }
        });
      },
    );
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.end(body ?? undefined);
  });
}

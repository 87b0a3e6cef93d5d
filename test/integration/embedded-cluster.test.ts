import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { cleanLocalStage, localStageFootprint } from '../../src/local/clean';
import { relocatedHome } from '../../src/local/embedded-cluster';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack';

/**
 * The local stage's embedded cluster across clones, deleted `.local` folders and copies. Run as
 * root (as CI does), each clone sits in a 0700 folder, so the data is relocated under /var/tmp.
 */
const asRoot = process.getuid?.() === 0;
const clones: string[] = [];
const running: LocalStack[] = [];

/** A folder shaped like a clone in a private home: only its owner can enter it. */
function newClone(at?: string): string {
  const clone = at ?? fs.mkdtempSync(path.join(os.tmpdir(), 'api-clone-'));
  fs.mkdirSync(clone, { recursive: true, mode: 0o700 });
  if (!clones.includes(clone)) clones.push(clone);
  return clone;
}

async function start(clone: string) {
  const messages: string[] = [];
  const stack = await startLocalStack({ localDir: path.join(clone, '.local'), log: (message) => messages.push(message) });
  running.push(stack);
  return { stack, messages };
}

async function stop(stack: LocalStack) {
  await stack.stop();
  running.splice(running.indexOf(stack), 1);
}

async function query<T extends pg.QueryResultRow>(stack: LocalStack, sql: string): Promise<T[]> {
  const client = new pg.Client({ ...stack.secret, user: stack.secret.username, database: stack.secret.dbname });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const emails = async (stack: LocalStack) =>
  (await query<{ email: string }>(stack, 'select email from test_contacts')).map((row) => row.email);
const addUser = (stack: LocalStack, email: string) =>
  query(stack, `insert into test_contacts (id, email, name) values (gen_random_uuid(), '${email}', 'Kept')`);

afterEach(async () => {
  await Promise.all(running.splice(0).map((stack) => stack.stop()));
});

afterAll(() => {
  for (const clone of clones) {
    fs.rmSync(relocatedHome(path.join(clone, '.local')), { recursive: true, force: true });
    fs.rmSync(clone, { recursive: true, force: true });
  }
});

describe('the embedded cluster of the local stage', () => {
  it('keeps the data of a .local folder across starts', async () => {
    const clone = newClone();
    const first = await start(clone);
    if (asRoot) expect(first.stack.server!.dataDir).toBe(path.join(relocatedHome(path.join(clone, '.local')), 'data'));
    await addUser(first.stack, 'kept@example.com');
    await stop(first.stack);

    const second = await start(clone);
    expect(await emails(second.stack)).toEqual(['kept@example.com']);
    expect(second.messages.join('\n')).not.toMatch(/discarding/);
  });

  it('serves a new clone at the path of a deleted one, on a new cluster, and says it replaced the old one', async () => {
    const clone = newClone();
    const first = await start(clone);
    await addUser(first.stack, 'old@example.com');
    await stop(first.stack);

    fs.rmSync(clone, { recursive: true, force: true });
    newClone(clone);
    const second = await start(clone);
    expect(await emails(second.stack)).toEqual([]);
    if (asRoot) expect(second.messages.join('\n')).toContain(`discarding ${relocatedHome(path.join(clone, '.local'))}`);
  });

  it('serves after rm -rf .local, on a new cluster', async () => {
    const clone = newClone();
    const first = await start(clone);
    await addUser(first.stack, 'old@example.com');
    const oldPassword = first.stack.secret.password;
    await stop(first.stack);

    fs.rmSync(path.join(clone, '.local'), { recursive: true, force: true });
    const second = await start(clone);
    expect(second.stack.secret.password).not.toBe(oldPassword);
    expect(await emails(second.stack)).toEqual([]);
    const published = JSON.parse(fs.readFileSync(path.join(clone, '.local', 'secrets', 'db.json'), 'utf8'));
    expect(published.password).toBe(second.stack.secret.password);
  });

  it('keeps the data when only the link to it was deleted, since its credentials are still there', async () => {
    const clone = newClone();
    const first = await start(clone);
    await addUser(first.stack, 'kept@example.com');
    await stop(first.stack);

    fs.rmSync(path.join(clone, '.local', 'pgdata'), { recursive: true, force: true });
    if (!asRoot) return; // Without relocation the link is the data itself: deleting it deletes the data.
    const second = await start(clone);
    expect(await emails(second.stack)).toEqual(['kept@example.com']);
  });

  it('gives a copy of a clone a cluster of its own, never the original one', async () => {
    const original = newClone();
    const first = await start(original);
    await addUser(first.stack, 'original@example.com');
    await stop(first.stack);

    const copy = newClone();
    fs.cpSync(original, copy, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(copy, 0o700);
    const copied = await start(copy);
    const again = await start(original);
    expect(copied.stack.server!.dataDir).not.toBe(again.stack.server!.dataDir);
    await addUser(copied.stack, 'copy@example.com');
    expect(await emails(again.stack)).toEqual(['original@example.com']);
    expect(await emails(copied.stack)).toContain('copy@example.com');
    expect(await emails(copied.stack)).not.toContain('original@example.com');
  });

  it('adopts a relocated cluster made before clusters carried an instance id', async () => {
    if (!asRoot) return;
    const clone = newClone();
    const localDir = path.join(clone, '.local');
    const first = await start(clone);
    await addUser(first.stack, 'legacy@example.com');
    await stop(first.stack);
    // The layout of earlier versions: no cluster.json beside the data, no instance in the credentials.
    fs.rmSync(path.join(relocatedHome(localDir), 'cluster.json'));
    const credentialsFile = path.join(localDir, 'embedded-postgres.json');
    const legacy = JSON.parse(fs.readFileSync(credentialsFile, 'utf8'));
    delete legacy.instance;
    fs.writeFileSync(credentialsFile, JSON.stringify(legacy));

    const second = await start(clone);
    expect(await emails(second.stack)).toEqual(['legacy@example.com']);
    expect(second.messages.join('\n')).not.toMatch(/discarding/);
  });

  it('refuses to throw away a cluster inside .local whose credentials file alone was deleted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-open-'));
    fs.chmodSync(dir, 0o755);
    clones.push(dir);
    const first = await start(dir);
    await stop(first.stack);
    fs.rmSync(path.join(dir, '.local', 'embedded-postgres.json'));
    await expect(start(dir)).rejects.toThrow(/holds a cluster whose credentials .* are gone/);
    expect(fs.existsSync(path.join(dir, '.local', 'pgdata', 'PG_VERSION'))).toBe(true);
  });

  it('refuses a second stack on a .local folder in use, and the first keeps serving', async () => {
    const clone = newClone();
    const first = await start(clone);
    await addUser(first.stack, 'first@example.com');
    await expect(start(clone)).rejects.toThrow(`Another local stack (pid ${process.pid}) is running on ${path.join(clone, '.local')}`);
    expect(await emails(first.stack)).toEqual(['first@example.com']);
    await stop(first.stack);
    const second = await start(clone);
    expect(await emails(second.stack)).toEqual(['first@example.com']);
  });

  it('takes over the lock of a stack whose process has gone', async () => {
    const clone = newClone();
    await stop((await start(clone)).stack);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(path.join(clone, '.local', 'running.pid'), `${gone}\n`);
    const again = await start(clone);
    expect(fs.readFileSync(path.join(clone, '.local', 'running.pid'), 'utf8').trim()).toBe(String(process.pid));
    await stop(again.stack);
    expect(fs.existsSync(path.join(clone, '.local', 'running.pid'))).toBe(false);
  });

  it('cleans what the local stage made inside and outside the clone, but not while it runs', async () => {
    const clone = newClone();
    const localDir = path.join(clone, '.local');
    const { stack } = await start(clone);
    const footprint = localStageFootprint(localDir);
    expect(footprint).toEqual([
      localDir,
      relocatedHome(localDir),
      expect.stringMatching(/^\/var\/tmp\/embedded-postgres-bin-[0-9a-f]{16}$/),
    ]);
    // Other test files share this installation's binaries: leave them.
    const ownData = footprint.slice(0, 2);
    expect(() => cleanLocalStage(localDir, ownData)).toThrow(/Another local stack/);
    expect(fs.existsSync(localDir)).toBe(true);
    await stop(stack);
    expect(cleanLocalStage(localDir, ownData)).toEqual(asRoot ? ownData : [localDir]);
    for (const target of ownData) expect(fs.existsSync(target)).toBe(false);
    expect(cleanLocalStage(localDir, ownData)).toEqual([]);
  });
});

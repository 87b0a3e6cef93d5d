import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canAccess, digest, runAs, sharedFolder, sharedFolderPath } from './postgres-user';

/**
 * Where the local stage's embedded cluster lives and which credentials open it.
 *
 * A cluster belongs to the `.local` folder that created it. Its credentials
 * (`.local/embedded-postgres.json`) carry an instance id. Normally the data sits beside them in
 * `.local/pgdata`, so both go when `.local` (or the clone) goes.
 *
 * As root, in a folder the `postgres` user cannot enter, the data must live elsewhere: in
 * `/var/tmp/embedded-postgres-data-<hash of the .local path>`, which records the same instance id
 * in `cluster.json`, with `.local/pgdata` linking to it. That folder outlives the clone. A
 * later `.local` at the same path finds it, sees that no credentials carry its id, and replaces
 * it, saying so. It never starts a cluster with credentials that were not made for it. A copy of
 * the clone, whose link points at another path's folder, gets a cluster of its own.
 */
export interface EmbeddedSecret {
  engine: 'postgres';
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  dbInstanceIdentifier: string;
  /** Binds these credentials to the one cluster initialised with them. */
  instance?: string;
}

export interface EmbeddedCluster {
  /** The folder PostgreSQL runs on (initdb runs there when it holds no cluster yet). */
  dataDir: string;
  secret: EmbeddedSecret;
  /** Records a new port in the credentials (when another server took the saved one). */
  movePort(port: number): EmbeddedSecret;
}

export interface EmbeddedClusterOptions {
  localDir: string;
  log: (message: string) => void;
  /** Credentials for a new cluster (the port and password). */
  newSecret: () => Promise<Omit<EmbeddedSecret, 'instance'>>;
}

interface ClusterMarker {
  instance: string;
  localDir: string;
}

const credentialsName = 'embedded-postgres.json';

/** The folder outside the clone that holds the data of the `.local` at `localDir` when it must be relocated. */
export function relocatedHome(localDir: string): string {
  return sharedFolderPath(`embedded-postgres-data-${digest(path.resolve(localDir))}`);
}

function readJson<T>(file: string): T | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined;
}

export function writePrivateJson(file: string, value: unknown) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

const hasCluster = (dataDir: string) => fs.existsSync(path.join(dataDir, 'PG_VERSION'));

function linkTarget(file: string): string | undefined {
  try {
    return fs.lstatSync(file).isSymbolicLink() ? path.resolve(path.dirname(file), fs.readlinkSync(file)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decides whether the relocated cluster in `home` belongs to the saved credentials. It does when
 * both carry the same instance id, or when both predate instance ids and this folder still links
 * to it. Otherwise it is a leftover: it is discarded, with a message naming it, and the
 * credentials (if any) are freed for a new cluster.
 */
function claimRelocated(
  home: string,
  localDir: string,
  saved: EmbeddedSecret | undefined,
  linkedHere: boolean,
  log: (message: string) => void,
) {
  const dataDir = path.join(home, 'data');
  const markerFile = path.join(home, 'cluster.json');
  if (!hasCluster(dataDir)) return saved;
  const marker = readJson<ClusterMarker>(markerFile);
  if (marker && saved?.instance === marker.instance) return saved;
  if (!marker && saved && !saved.instance && linkedHere) {
    const adopted = { ...saved, instance: randomUUID() };
    writePrivateJson(markerFile, { instance: adopted.instance, localDir: path.resolve(localDir) });
    writePrivateJson(path.join(localDir, credentialsName), adopted);
    return adopted;
  }
  log(
    `discarding ${home}: a cluster left by an earlier .local folder at this path, whose credentials are gone; this folder gets a new one`,
  );
  fs.rmSync(home, { recursive: true, force: true });
  return saved && { ...saved, instance: undefined };
}

export async function prepareEmbeddedCluster({ localDir, log, newSecret }: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const credentialsFile = path.join(localDir, credentialsName);
  const dataLink = path.join(localDir, 'pgdata');
  const as = runAs();
  const home = relocatedHome(localDir);
  const relocatedData = path.join(home, 'data');
  const relocated = as !== undefined && (!canAccess(localDir, as, 'x') || linkTarget(dataLink) === relocatedData);
  const dataDir = relocated ? relocatedData : dataLink;

  // A link to a folder that is not this folder's cluster (a copied clone) is never followed.
  const linked = linkTarget(dataLink);
  const foreign = linked !== undefined && linked !== dataDir;
  if (foreign) {
    log(`${dataLink} linked to ${linked}, another folder's cluster: this folder gets one of its own, with new credentials`);
    fs.unlinkSync(dataLink);
  }
  // Credentials copied along with such a link open that other cluster, not this folder's.
  let saved = foreign ? undefined : readJson<EmbeddedSecret>(credentialsFile);
  if (relocated) {
    if (linked === undefined && fs.existsSync(dataLink)) {
      throw new Error(`${dataLink} is a folder the postgres user cannot reach: run as its owner, or move it away to start afresh`);
    }
    saved = claimRelocated(home, localDir, saved, linked === dataDir, log);
  } else if (hasCluster(dataDir) && !saved) {
    throw new Error(
      `${dataDir} holds a cluster whose credentials (${credentialsFile}) are gone: restore that file, or delete the folder to start afresh`,
    );
  }

  const secret = saved?.instance ? saved : { ...(saved ?? (await newSecret())), instance: randomUUID() };
  if (secret !== saved) writePrivateJson(credentialsFile, secret);
  if (relocated) {
    if (!hasCluster(dataDir)) {
      sharedFolder(path.basename(home));
      fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      fs.chownSync(dataDir, as.uid, as.gid);
      writePrivateJson(path.join(home, 'cluster.json'), { instance: secret.instance, localDir: path.resolve(localDir) });
    }
    if (linkTarget(dataLink) === undefined) fs.symlinkSync(dataDir, dataLink);
  }
  const cluster: EmbeddedCluster = {
    dataDir,
    secret,
    movePort(port) {
      cluster.secret = { ...cluster.secret, port };
      writePrivateJson(credentialsFile, cluster.secret);
      return cluster.secret;
    },
  };
  return cluster;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DbSecret } from '../../src/lib/storage/secret';
import { loopbackAwsEnv } from '../../src/local/aws-endpoints';
import { startSecretsEndpoint, type SecretsEndpoint } from '../../src/local/secrets-endpoint';

export interface LocalSecrets {
  endpoint: SecretsEndpoint;
  /** Replaces `db.json`, as a rotation does. */
  write(secret: DbSecret): void;
  close(): Promise<void>;
}

/**
 * The local stage's Secrets Manager for `secret`, and the function environment pointing at it.
 * Modules read their configuration when first loaded, so call this before loading handlers.
 */
export async function serveSecrets(secret: DbSecret, env: Record<string, string> = {}): Promise<LocalSecrets> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-secrets-'));
  const write = (value: DbSecret) => {
    const file = path.join(dir, 'db.json');
    fs.writeFileSync(`${file}.next`, JSON.stringify(value));
    fs.renameSync(`${file}.next`, file);
  };
  write(secret);
  const endpoint = await startSecretsEndpoint(dir);
  Object.assign(process.env, {
    STAGE: 'local',
    DB_SECRET_ID: 'db',
    ...loopbackAwsEnv({ SECRETS_MANAGER: endpoint.url }),
    SECRETS_CACHE_TTL_MS: '300000',
    ...env,
  });
  return {
    endpoint,
    write,
    close: async () => {
      await endpoint.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

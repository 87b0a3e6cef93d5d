import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sdk from '@aws-sdk/client-secrets-manager';
import { startSecretsEndpoint, type SecretsEndpoint } from './secrets-endpoint';

// The SDK's own client, past jest's mapping to the functions' client: the stand-in must answer it too.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GetSecretValueCommand, SecretsManagerClient } = require('@aws-sdk/client-secrets-manager/dist-cjs/index.js') as typeof Sdk;

describe('local Secrets Manager endpoint', () => {
  let dir: string;
  let endpoint: SecretsEndpoint;
  let client: Sdk.SecretsManagerClient;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    fs.writeFileSync(path.join(dir, 'db.json'), '{"password":"one"}');
    endpoint = await startSecretsEndpoint(dir);
    client = new SecretsManagerClient({
      endpoint: endpoint.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await endpoint.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves a file through the real SDK client, by name or ARN, and counts fetches', async () => {
    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'db' }));
    expect(byName.SecretString).toBe('{"password":"one"}');
    const byArn = await client.send(
      new GetSecretValueCommand({ SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf' }),
    );
    expect(byArn.Name).toBe('db');
    expect(endpoint.fetches.get('db')).toBe(2);
  });

  it('reads the file on every call, so editing it rotates the secret', async () => {
    fs.writeFileSync(path.join(dir, 'db.json'), '{"password":"two"}');
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'db' }))).SecretString).toBe('{"password":"two"}');
  });

  it.each(['missing', '../etc/passwd', 'a/../../b', ''])('answers ResourceNotFoundException for %p', async (id) => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: id }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

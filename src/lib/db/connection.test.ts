import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionConfig } from './connection';
import { clusterCa } from '../storage/cluster-ca';
import { databaseNames, serviceName } from '../../../test/support/names';

const secret = {
  host: 'cluster.eu-west-1.rds.amazonaws.com',
  port: 5432,
  username: databaseNames.login,
  password: 'p@ss:/word',
  dbname: 'users',
};

describe('connectionConfig', () => {
  it('passes the credentials as fields and verifies nothing when TLS is off', () => {
    const config = connectionConfig(secret, { connectTimeoutMs: 2000, ssl: 'off', applicationName: serviceName });
    expect(config).toMatchObject({
      host: secret.host,
      port: 5432,
      user: databaseNames.login,
      password: 'p@ss:/word',
      database: 'users',
      connectionTimeoutMillis: 2000,
      ssl: false,
      application_name: serviceName,
    });
    expect(config).not.toHaveProperty('connectionString');
  });

  it("trusts Node.js's own roots through the proxy (Amazon Trust Services), and Amazon's CA file for the cluster itself", () => {
    const proxied = connectionConfig(secret, { connectTimeoutMs: 2000, ssl: 'verify', proxy: { host: 'proxy.example', port: 6432 } });
    expect(proxied).toMatchObject({ host: 'proxy.example', port: 6432, ssl: { rejectUnauthorized: true } });
    expect((proxied.ssl as { ca?: unknown }).ca).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-'));
    const file = path.join(dir, 'ca.pem');
    fs.writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    try {
      // The default file is the Lambda runtime's, which this machine does not have.
      expect(() => connectionConfig(secret, { connectTimeoutMs: 2000, ssl: 'verify' })).toThrow(/\/var\/runtime\/ca-cert\.pem/);
      expect(clusterCa(file)).toBe(fs.readFileSync(file, 'utf8'));
      process.env.DB_CA_FILE = file;
      expect(connectionConfig(secret, { connectTimeoutMs: 2000, ssl: 'verify' }).ssl).toEqual({
        ca: fs.readFileSync(file, 'utf8'),
        rejectUnauthorized: true,
      });
    } finally {
      delete process.env.DB_CA_FILE;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

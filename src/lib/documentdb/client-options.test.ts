import fc from 'fast-check';
import { MongoClient } from 'mongodb';
import { clientSettings } from './client-options';
import { loadDocumentDbConfig } from './config';

const secret = {
  host: 'shop-api-dev.cluster-abc.eu-west-1.docdb.amazonaws.com',
  port: 27017,
  username: 'shop_admin',
  password: 'x',
  dbname: 'shop',
};

describe('clientSettings', () => {
  it("takes DocumentDB's required options and bounded timeouts that fit a 3-second request", () => {
    const { uri, options } = clientSettings(secret, loadDocumentDbConfig({}), 'shop-api');
    expect(uri).toBe('mongodb://shop-api-dev.cluster-abc.eu-west-1.docdb.amazonaws.com:27017/');
    expect(options).toMatchObject({
      replicaSet: 'rs0',
      readPreference: 'primary',
      retryWrites: false,
      tls: true,
      tlsAllowInvalidCertificates: false,
      tlsAllowInvalidHostnames: false,
      maxPoolSize: 2,
      serverSelectionTimeoutMS: 1500,
      connectTimeoutMS: 1500,
      socketTimeoutMS: 2500,
      heartbeatFrequencyMS: 500,
      authSource: 'admin',
    });
    expect(options.serverSelectionTimeoutMS! + options.socketTimeoutMS!).toBeLessThan(4500);
    // The Lambda runtime's copy of Amazon's CA certificates, which the driver reads when it connects.
    expect(options.tlsCAFile).toBe('/var/runtime/ca-cert.pem');
    expect(options.ca).toBeUndefined();
  });

  it('connects to a standalone server without a replica set, and without TLS when told', () => {
    const { options } = clientSettings(
      secret,
      loadDocumentDbConfig({ DOCDB_REPLICA_SET: '', DOCDB_TLS: 'off', DOCDB_POOL_MAX: '5' }),
      'shop-api',
    );
    expect(options).toMatchObject({ directConnection: true, tls: false, maxPoolSize: 5 });
    expect(options.replicaSet).toBeUndefined();
    expect(options.tlsCAFile).toBeUndefined();
  });

  it('passes any password as an auth option, never in the URI, and the driver accepts it as given', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64, unit: 'binary' }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (password, username) => {
          const { uri, options } = clientSettings(
            { ...secret, username, password },
            loadDocumentDbConfig({ DOCDB_TLS: 'off' }),
            'shop-api',
          );
          expect(uri).not.toContain('@');
          expect(options.auth).toEqual({ username, password });
          // Building the client parses the URI and the options; nothing connects until it is used.
          const client = new MongoClient(uri, options);
          expect(client.options.credentials?.password).toBe(password);
          expect(client.options.credentials?.username).toBe(username);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('brackets an IPv6 host, once', () => {
    expect(clientSettings({ ...secret, host: '::1' }, loadDocumentDbConfig({}), 'shop-api').uri).toBe('mongodb://[::1]:27017/');
    expect(clientSettings({ ...secret, host: '[::1]' }, loadDocumentDbConfig({}), 'shop-api').uri).toBe('mongodb://[::1]:27017/');
  });

  it('names the service to the server, unless told another name', () => {
    expect(clientSettings(secret, loadDocumentDbConfig({}), 'shop-api').options.appName).toBe('shop-api');
    expect(clientSettings(secret, loadDocumentDbConfig({}), 'shop-api-migrate').options.appName).toBe('shop-api-migrate');
  });
});

import path from 'node:path';
import fc from 'fast-check';
import type * as connectionString from 'mongodb-connection-string-url';
import type * as mongodb from 'mongodb';
import { clientSettings } from './client-options';
import { loadDocumentDbConfig } from './config';

interface Driver {
  ConnectionString: typeof connectionString.ConnectionString;
  MongoClient: typeof mongodb.MongoClient;
}

/* eslint-disable @typescript-eslint/no-require-imports -- the driver loaded twice, the second time on the package */
const load = (): Driver => ({
  ConnectionString: (require('mongodb-connection-string-url') as typeof connectionString).ConnectionString,
  MongoClient: (require('mongodb') as typeof mongodb).MongoClient,
});
/* eslint-enable @typescript-eslint/no-require-imports */

/** The driver as every bundle and test runs it: jest.config.js maps whatwg-url to ./whatwg-url, as serverless.yml does. */
const bundled = load();
/** The driver as published, on the whatwg-url package. */
let published!: Driver;
jest.isolateModules(() => {
  // 'whatwg-url' resolves to the stand-in here too; the stand-in's place gets the package itself.
  jest.doMock('whatwg-url', () => jest.requireActual(path.join(__dirname, '../../../node_modules/whatwg-url')));
  published = load();
});

/** What `build` returns, or the error it raises, as one comparable value. */
function outcome<T>(build: () => T): T | { error: string } {
  try {
    return build();
  } catch (error) {
    return { error: String(error) };
  }
}

/**
 * What a connection string parses to, or the error it raises. whatwg-url 14 percent-encodes a `^`
 * in the path, as the Standard now says, where Node.js 20's parser keeps it (Node.js 24's, the
 * functions' runtime, encodes it too), in what it answers and in the errors that quote it; the database name the
 * driver decodes from either is the same.
 */
function parsed({ ConnectionString }: Driver, uri: string, looseValidation: boolean) {
  const caretAsIs = (text: string) => text.replaceAll('%5E', '^');
  const result = outcome(() => {
    const url = new ConnectionString(uri, { looseValidation });
    return {
      href: caretAsIs(url.toString()),
      redacted: caretAsIs(url.redact().toString()),
      username: url.username,
      password: url.password,
      hosts: url.hosts,
      pathname: caretAsIs(url.pathname),
      search: url.search,
      searchParams: [...url.searchParams],
      hash: url.hash,
    };
  });
  // An error that quotes the text (`Username contains unescaped characters …`) quotes it as parsed.
  return 'error' in result ? { error: caretAsIs(result.error) } : result;
}

/** The driver's options built from a connection string (nothing connects), or the error it raises. */
function clientOptions({ MongoClient }: Driver, uri: string, options?: mongodb.MongoClientOptions) {
  return outcome(() => {
    const { hosts, srvHost, dbName, credentials, tls, directConnection, loadBalanced, appName, readPreference, retryWrites } =
      new MongoClient(uri, options).options;
    return {
      hosts: hosts.map(String),
      srvHost,
      dbName,
      credentials: credentials && { ...credentials },
      tls,
      directConnection,
      loadBalanced,
      appName,
      readPreference: readPreference.mode,
      retryWrites,
    };
  });
}

// Pieces that every part of a URL treats in its own way: delimiters, escapes good and bad, spaces
// and controls, non-ASCII and IDNA, IPv6.
const piece = fc.constantFrom(
  ...['a', 'Z', '0', '9', '.', '-', '_', '~', ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', "'", '(', ')', '*', '+'],
  ...[',', ';', '=', '%', '%2F', '%40', '%3A', '%zz', '%25', '%00', ' ', '\t', '\\', '^', '|', '`', '{', '}', '<', '>', '"'],
  ...['\u0000', 'é', 'ü', '中', '\u00ad', 'ß', 'xn--', 'XN--80AK6AA92E', 'host', 'localhost', '127.0.0.1', '::1', '[::1]'],
);
const text = (maxLength: number) => fc.array(piece, { maxLength }).map((pieces) => pieces.join(''));
const option = fc.tuple(
  fc.oneof(fc.constantFrom('replicaSet', 'tls', 'authSource', 'appName', 'directConnection', 'readPreference', 'w'), text(3)),
  text(4),
);
const uri = fc
  .record({
    scheme: fc.oneof(
      fc.constantFrom('mongodb://', 'mongodb+srv://', 'MongoDB://'),
      text(2).map((scheme) => `${scheme}://`),
    ),
    userinfo: fc.option(fc.tuple(text(4), fc.option(text(4))), { nil: undefined }),
    hosts: fc.array(fc.tuple(text(4), fc.option(fc.integer({ min: 0, max: 70_000 }), { nil: undefined })), { minLength: 1, maxLength: 3 }),
    path: fc.option(text(4), { nil: undefined }),
    query: fc.option(fc.array(option, { maxLength: 3 }), { nil: undefined }),
    hash: fc.option(text(2), { nil: undefined }),
  })
  .map(
    ({ scheme, userinfo, hosts, path, query, hash }) =>
      scheme +
      (userinfo ? `${userinfo[0]}${userinfo[1] === null ? '' : `:${userinfo[1]}`}@` : '') +
      hosts.map(([host, port]) => (port === undefined ? host : `${host}:${port}`)).join(',') +
      (path === undefined ? '' : `/${path}`) +
      (query === undefined ? '' : `?${query.map(([key, value]) => `${key}=${value}`).join('&')}`) +
      (hash === undefined ? '' : `#${hash}`),
  );

// Connection strings a deployment could give the driver: DNS names (IDN and upper case included),
// addresses, ports, escaped credentials, a database name and the options DocumentDB takes.
const label = fc.constantFrom('shop-api', 'cluster-abc123', 'docdb', 'EU-WEST-1', 'bücher', 'xn--bcher-kva', 'host_1', 'straße');
const address = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.constantFrom('localhost', '127.0.0.1', '10.0.12.7', '[::1]', '[fd00:ec2::23]'),
);
const clusterOption = fc.oneof(
  fc.constantFrom('replicaSet=rs0', 'tls=true', 'tls=false', 'authSource=admin', 'directConnection=true', 'retryWrites=false'),
  fc.constantFrom('readPreference=primary', 'readPreference=secondaryPreferred', 'w=majority', 'w=1', 'authMechanism=SCRAM-SHA-1'),
  fc.string({ maxLength: 12 }).map((name) => `appName=${encodeURIComponent(name)}`),
);
const escaped = (maxLength: number) => fc.string({ minLength: 1, maxLength, unit: 'binary' }).map(encodeURIComponent);
const clusterUri = fc
  .record({
    scheme: fc.constantFrom('mongodb://', 'mongodb+srv://'),
    credentials: fc.option(fc.tuple(escaped(12), escaped(24)), { nil: undefined }),
    hosts: fc.array(fc.tuple(address, fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined })), { minLength: 1, maxLength: 3 }),
    database: fc.option(escaped(10), { nil: undefined }),
    options: fc.uniqueArray(clusterOption, { maxLength: 4, selector: (option) => option.split('=')[0] }),
  })
  .map(
    ({ scheme, credentials, hosts, database, options }) =>
      scheme +
      (credentials ? `${credentials[0]}:${credentials[1]}@` : '') +
      hosts.map(([host, port]) => (port === undefined ? host : `${host}:${port}`)).join(',') +
      `/${database ?? ''}` +
      (options.length ? `?${options.join('&')}` : ''),
  );

describe("the driver's connection strings on Node.js's URL parser", () => {
  it('is what the bundles run: the parser is the runtime URL, not the package', () => {
    expect(new bundled.ConnectionString('mongodb://localhost/')).toBeInstanceOf(URL);
    expect(new published.ConnectionString('mongodb://localhost/')).not.toBeInstanceOf(URL);
  });

  it('reads the address of every cluster the functions reach as the published driver does', () => {
    const hosts = [
      'shop-api-dev.cluster-abc123.eu-west-1.docdb.amazonaws.com',
      'USERS-API.CLUSTER-ABC.EU-WEST-1.DOCDB.AMAZONAWS.COM',
      'localhost',
      '127.0.0.1',
      '::1',
      '[fd00:ec2::23]',
      'bücher.example',
    ];
    for (const host of hosts) {
      for (const config of [loadDocumentDbConfig({}), loadDocumentDbConfig({ DOCDB_REPLICA_SET: '', DOCDB_TLS: 'off' })]) {
        const { uri, options } = clientSettings(
          { host, port: 27017, username: 'shop', password: 'p@ss:/w%rd', dbname: 'shop' },
          config,
          'shop-api',
        );
        const expected = clientOptions(published, uri, options);
        expect(expected).not.toHaveProperty('error');
        expect(clientOptions(bundled, uri, options)).toEqual(expected);
      }
    }
  });

  it('parses any connection string as whatwg-url does, or fails with the same error', () => {
    fc.assert(
      fc.property(uri, fc.boolean(), (candidate, looseValidation) => {
        expect(parsed(bundled, candidate, looseValidation)).toEqual(parsed(published, candidate, looseValidation));
      }),
      { numRuns: 3000 },
    );
  });

  it('builds the same client options from any cluster address, or refuses it with the same error', () => {
    fc.assert(
      fc.property(clusterUri, (candidate) => {
        expect(clientOptions(bundled, candidate)).toEqual(clientOptions(published, candidate));
      }),
      { numRuns: 1500 },
    );
  });
});

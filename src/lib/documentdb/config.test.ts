import { fresh } from '../../../test/support/fresh';
import type * as Config from './config';

// Loaded afresh for each test, as a cold start does: the schema and its defaults are built at load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = () => fresh(() => require('./config') as typeof Config).loadDocumentDbConfig;

describe('the DocumentDB configuration', () => {
  it('applies the documented defaults: within the request budget, TLS verified, the rs0 replica set', () => {
    const config = load()({});
    expect(config).toEqual({
      poolMax: 2,
      serverSelectionTimeoutMs: 1500,
      connectTimeoutMs: 1500,
      socketTimeoutMs: 2500,
      budgetMs: 2800,
      tls: 'verify',
      replicaSet: 'rs0',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every value, and no replica set for a standalone server', () => {
    expect(
      load()({
        DOCDB_POOL_MAX: '20',
        DOCDB_SERVER_SELECTION_TIMEOUT_MS: '100',
        DOCDB_CONNECT_TIMEOUT_MS: '200',
        DOCDB_SOCKET_TIMEOUT_MS: '300',
        DOCDB_BUDGET_MS: '400',
        DOCDB_TLS: 'off',
        DOCDB_REPLICA_SET: '',
      }),
    ).toEqual({
      poolMax: 20,
      serverSelectionTimeoutMs: 100,
      connectTimeoutMs: 200,
      socketTimeoutMs: 300,
      budgetMs: 400,
      tls: 'off',
      replicaSet: undefined,
    });
  });

  it.each([
    ['DOCDB_POOL_MAX', '21'],
    ['DOCDB_POOL_MAX', '0'],
    ['DOCDB_BUDGET_MS', 'soon'],
    ['DOCDB_SOCKET_TIMEOUT_MS', 'slow'],
    ['DOCDB_TLS', 'on'],
    ['DOCDB_TLS', ''],
  ])('refuses %s=%p, naming it and the configuration', (name, value) => {
    expect(() => load()({ [name]: value })).toThrow(new RegExp(`DocumentDB configuration.*${name}`, 's'));
  });
});

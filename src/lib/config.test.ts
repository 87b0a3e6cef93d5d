import type * as ServiceConfig from './config';
import type * as PostgresConfig from './db/config';
import type * as StorageConfig from './storage/config';
import { fresh } from '../../test/support/fresh';

let loadConfig: typeof ServiceConfig.loadConfig;
let loadPostgresConfig: typeof PostgresConfig.loadPostgresConfig;
let loadStorageConfig: typeof StorageConfig.loadStorageConfig;

// Each test loads the modules afresh, as a cold start does: their schemas and defaults are built at load.
beforeEach(() => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  ({ loadConfig, loadPostgresConfig, loadStorageConfig } = fresh(() => ({
    ...(require('./config') as typeof ServiceConfig),
    ...(require('./db/config') as typeof PostgresConfig),
    ...(require('./storage/config') as typeof StorageConfig),
  })));
  /* eslint-enable @typescript-eslint/no-require-imports */
});

describe('the configuration, by concern', () => {
  it('takes any stage name a deploy can take, a preview or a developer stage too, and refuses another', () => {
    for (const stage of ['dev', 'prod', 'pr-12', 'alice', 'feature-x2']) expect(loadConfig({ STAGE: stage }).stage).toBe(stage);
    for (const stage of ['Prod', 'pr_12', '-x', 'x-', '']) expect(() => loadConfig({ STAGE: stage })).toThrow('STAGE');
  });

  it('applies the documented defaults', () => {
    expect(loadConfig({})).toEqual({ stage: 'local', serviceName: 'api', serviceVersion: '0.0.0', corsOrigins: [] });
    expect(loadStorageConfig({})).toEqual({
      engine: 'postgres',
      secretId: 'db',
      endpoint: { host: undefined, port: undefined, dbname: undefined },
      secretsCacheTtlMs: 300_000,
      secretsTimeoutMs: 1000,
    });
    expect(loadPostgresConfig({})).toEqual({
      poolMax: 1,
      connectTimeoutMs: 2000,
      queryTimeoutMs: 2500,
      budgetMs: 2800,
      maxIdleMs: undefined,
      ssl: 'off',
      proxy: undefined,
    });
    for (const frozen of [loadConfig({}), loadStorageConfig({}), loadStorageConfig({}).endpoint, loadPostgresConfig({})]) {
      expect(Object.isFrozen(frozen)).toBe(true);
    }
  });

  it('reads every value from the environment', () => {
    const env = {
      STAGE: 'prod',
      SERVICE_NAME: 'users',
      SERVICE_VERSION: '1.2.3',
      CORS_ORIGINS: ' https://a.example.com , https://b.example.com,',
      DB_ENGINE: 'documentdb',
      DB_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:1:secret:db',
      DB_HOST: 'cluster.example.com',
      DB_PORT: '6432',
      DB_NAME: 'app',
      SECRETS_CACHE_TTL_MS: '-1',
      SECRETS_TIMEOUT_MS: '750',
      DB_POOL_MAX: '3',
      DB_CONNECT_TIMEOUT_MS: '1500',
      DB_QUERY_TIMEOUT_MS: '2000',
      DB_BUDGET_MS: '2700',
      DB_IDLE_SESSION_TIMEOUT_MS: '60000',
      DB_SSL: 'verify',
      DB_PROXY_HOST: 'proxy.example.com',
      DB_PROXY_PORT: '5433',
    };
    expect(loadConfig(env)).toEqual({
      stage: 'prod',
      serviceName: 'users',
      serviceVersion: '1.2.3',
      corsOrigins: ['https://a.example.com', 'https://b.example.com'],
    });
    expect(loadStorageConfig(env)).toEqual({
      engine: 'documentdb',
      secretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:db',
      endpoint: { host: 'cluster.example.com', port: 6432, dbname: 'app' },
      secretsCacheTtlMs: -1,
      secretsTimeoutMs: 750,
    });
    expect(loadPostgresConfig(env)).toEqual({
      poolMax: 3,
      connectTimeoutMs: 1500,
      queryTimeoutMs: 2000,
      budgetMs: 2700,
      // A tenth below the server's idle timeout: the client replaces a connection before the server ends it.
      maxIdleMs: 54_000,
      ssl: 'verify',
      proxy: { host: 'proxy.example.com', port: 5433 },
    });
    expect(loadPostgresConfig({ DB_IDLE_SESSION_TIMEOUT_MS: '0' }).maxIdleMs).toBeUndefined();
    // serverless.yml writes '' for "none".
    expect(loadStorageConfig({ DB_HOST: '', DB_NAME: '' }).endpoint).toEqual({ host: undefined, port: undefined, dbname: undefined });
    expect(loadPostgresConfig({ DB_PROXY_HOST: '' }).proxy).toBeUndefined();
  });

  it('accepts each bound itself', () => {
    expect(loadPostgresConfig({ DB_POOL_MAX: '1' }).poolMax).toBe(1);
    expect(loadPostgresConfig({ DB_POOL_MAX: '100' }).poolMax).toBe(100);
    expect(loadPostgresConfig({ DB_IDLE_SESSION_TIMEOUT_MS: '0' }).maxIdleMs).toBeUndefined();
    expect(loadPostgresConfig({ DB_IDLE_SESSION_TIMEOUT_MS: '1000' }).maxIdleMs).toBe(900);
    expect(loadStorageConfig({ SECRETS_CACHE_TTL_MS: '-1' }).secretsCacheTtlMs).toBe(-1);
    expect(loadStorageConfig({ SECRETS_CACHE_TTL_MS: '0' }).secretsCacheTtlMs).toBe(0);
    expect(loadStorageConfig({ DB_PORT: '1' }).endpoint.port).toBe(1);
  });

  it('accepts each stage and each TLS mode, and says which configuration a bad value is in', () => {
    expect(['local', 'dev', 'staging', 'prod'].map((STAGE) => loadConfig({ STAGE }).stage)).toEqual(['local', 'dev', 'staging', 'prod']);
    expect(['off', 'verify'].map((DB_SSL) => loadPostgresConfig({ DB_SSL }).ssl)).toEqual(['off', 'verify']);
    expect(['postgres', 'documentdb'].map((DB_ENGINE) => loadStorageConfig({ DB_ENGINE }).engine)).toEqual(['postgres', 'documentdb']);
    expect(() => loadConfig({ STAGE: 'QA' })).toThrow(/^Invalid function configuration: STAGE$/);
    expect(() => loadStorageConfig({ DB_PORT: '0' })).toThrow(/^Invalid storage configuration: DB_PORT$/);
  });

  it('names every offending variable, in order', () => {
    expect(() => loadPostgresConfig({ DB_POOL_MAX: '0', DB_SSL: 'maybe' })).toThrow(
      /^Invalid PostgreSQL configuration: DB_POOL_MAX, DB_SSL$/,
    );
  });

  it.each([
    ['loadConfig', 'STAGE', 'Q_A'],
    ['loadStorageConfig', 'DB_ENGINE', 'mysql'],
    ['loadStorageConfig', 'DB_SECRET_ID', ''],
    ['loadStorageConfig', 'DB_PORT', '0'],
    ['loadStorageConfig', 'SECRETS_CACHE_TTL_MS', '-2'],
    ['loadStorageConfig', 'SECRETS_TIMEOUT_MS', '0'],
    ['loadPostgresConfig', 'DB_POOL_MAX', '0'],
    ['loadPostgresConfig', 'DB_POOL_MAX', '101'],
    ['loadPostgresConfig', 'DB_POOL_MAX', 'many'],
    ['loadPostgresConfig', 'DB_POOL_MAX', '1.5'],
    ['loadPostgresConfig', 'DB_QUERY_TIMEOUT_MS', '0'],
    ['loadPostgresConfig', 'DB_BUDGET_MS', 'soon'],
    ['loadPostgresConfig', 'DB_PROXY_PORT', '-1'],
    ['loadPostgresConfig', 'DB_CONNECT_TIMEOUT_MS', '-5'],
    ['loadPostgresConfig', 'DB_IDLE_SESSION_TIMEOUT_MS', '-1'],
    ['loadPostgresConfig', 'DB_SSL', 'maybe'],
  ])('%s rejects %s=%s and names the variable, never the value', (loader, name, value) => {
    const load = ({ loadConfig, loadStorageConfig, loadPostgresConfig } as Record<string, (env: NodeJS.ProcessEnv) => unknown>)[loader]!;
    expect(() => load({ [name]: value })).toThrow(new RegExp(`: ${name}$`));
  });
});

import { loadConfig } from './config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      stage: 'local',
      corsOrigins: [],
      database: { secretId: 'db', poolMax: 1, connectTimeoutMs: 2000, queryTimeoutMs: 2500, budgetMs: 2800, ssl: 'off' },
      secrets: { cacheTtlMs: 300_000 },
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.database)).toBe(true);
  });

  it('reads every value from the environment', () => {
    const config = loadConfig({
      STAGE: 'prod',
      CORS_ORIGINS: ' https://a.example.com , https://b.example.com,',
      DB_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:1:secret:db',
      DB_POOL_MAX: '3',
      DB_CONNECT_TIMEOUT_MS: '1500',
      DB_SSL: 'verify',
      SECRETS_CACHE_TTL_MS: '-1',
      DB_IDLE_SESSION_TIMEOUT_MS: '60000',
    });
    expect(config.stage).toBe('prod');
    // A tenth below the server's idle timeout: the client replaces a connection before the server ends it.
    expect(config.database.maxIdleMs).toBe(54_000);
    expect(loadConfig({ DB_IDLE_SESSION_TIMEOUT_MS: '0' }).database.maxIdleMs).toBeUndefined();
    expect(config.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(config.database).toMatchObject({ poolMax: 3, connectTimeoutMs: 1500, ssl: 'verify' });
    expect(config.secrets).toEqual({ cacheTtlMs: -1 });
  });

  it.each([
    ['STAGE', 'qa'],
    ['DB_POOL_MAX', '0'],
    ['DB_POOL_MAX', 'many'],
    ['DB_CONNECT_TIMEOUT_MS', '-5'],
    ['DB_SSL', 'maybe'],
    ['SECRETS_CACHE_TTL_MS', '-2'],
  ])('rejects %s=%s and names the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});

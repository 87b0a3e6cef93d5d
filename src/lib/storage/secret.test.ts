import { fresh } from '../../../test/support/fresh';
import type * as Secret from './secret';

let parseDbSecret: typeof Secret.parseDbSecret;

// Loaded afresh for each test, as a cold start does: the secret's schema is built when the module loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
beforeEach(() => ({ parseDbSecret } = fresh(() => require('./secret') as typeof Secret)));

describe('parseDbSecret', () => {
  it('reads a secret, taking what it lacks from the defaults, and what it has over them', () => {
    expect(parseDbSecret({ username: 'app', password: 'p@ss:/word' }, { host: 'cluster', port: 27017, dbname: 'users' })).toEqual({
      host: 'cluster',
      port: 27017,
      username: 'app',
      password: 'p@ss:/word',
      dbname: 'users',
    });
    expect(
      parseDbSecret({ engine: 'postgres', host: 'db', port: '6543', username: 'app', password: 'x', dbname: 'app' }, { port: 5432 }),
    ).toEqual({
      engine: 'postgres',
      host: 'db',
      port: 6543,
      username: 'app',
      password: 'x',
      dbname: 'app',
    });
  });

  it('names missing fields without ever echoing the password', () => {
    const attempt = () => parseDbSecret({ password: 'hunter2-very-secret', port: 'x' });
    expect(attempt).toThrow('The database secret is missing or invalid fields: host, port, username, dbname');
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });
});

describe('parseDbSecret: a refusal', () => {
  it('names every missing or invalid field, never a value', () => {
    expect(() => parseDbSecret({ username: 'app', password: 'hunter2', port: 'x' })).toThrow(
      'The database secret is missing or invalid fields: host, port, dbname',
    );
  });
});

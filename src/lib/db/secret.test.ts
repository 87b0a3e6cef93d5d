import { parseDbSecret } from './secret';

describe('parseDbSecret', () => {
  it('reads an RDS-managed secret and fills the defaults', () => {
    expect(parseDbSecret({ engine: 'postgres', host: 'db', port: '6543', username: 'app', password: 'p@ss:/word' })).toEqual({
      engine: 'postgres',
      host: 'db',
      port: 6543,
      username: 'app',
      password: 'p@ss:/word',
      dbname: 'postgres',
    });
  });

  it('names missing fields without ever echoing the password', () => {
    const attempt = () => parseDbSecret({ password: 'hunter2-very-secret', port: 'x' });
    expect(attempt).toThrow(/host.*port.*username|host/);
    try {
      attempt();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
    }
  });
});

import type { StorageConnection } from './engine';
import type { SecretSource } from './secret';
import { databaseSecretsFrom, storageFrom, type DatabaseContext } from './access';

describe("a function's database access, from its context", () => {
  it('hands over the connection and the secret source that databaseAccess put there', () => {
    const context = { storage: {} as StorageConnection, databaseSecrets: {} as SecretSource } as DatabaseContext;
    expect(storageFrom(context)).toBe(context.storage);
    expect(databaseSecretsFrom(context)).toBe(context.databaseSecrets);
  });

  it('fails plainly in a function composed without it', () => {
    const context = {} as DatabaseContext;
    expect(() => storageFrom(context)).toThrow(new Error('This function was composed without database access'));
    expect(() => databaseSecretsFrom(context)).toThrow(new Error('This function was composed without database access'));
  });
});

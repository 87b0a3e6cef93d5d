import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { documentFailureKind, plainString } from './errors';

/** A server selection failure as the driver raises it: with the topology it could not select from. */
const selectionError = (message: string) =>
  new MongoServerSelectionError(message, { error: null, servers: new Map(), type: 'ReplicaSetNoPrimary' } as never);
const serverError = (code: number, message: string) => Object.assign(new MongoServerError({ message, code, errmsg: message }), { code });

describe('documentFailureKind', () => {
  it.each([
    [serverError(11000, 'E11000 duplicate key error collection: users.users index: users_email_unique'), 'duplicate'],
    [serverError(18, 'Authentication failed.'), 'credentials'],
    [selectionError('Server selection timed out after 1500 ms'), 'unavailable'],
    [new MongoNetworkError('connection 1 to 10.0.0.1:27017 closed'), 'unavailable'],
    [new MongoNetworkTimeoutError('connection timed out'), 'unavailable'],
    [serverError(2, 'BadValue'), 'other'],
    [new Error('boom'), 'other'],
    ['not an error', 'other'],
  ])('maps %p to %s', (error, kind) => {
    expect(documentFailureKind(error)).toBe(kind);
  });

  it('finds a rejected login wrapped in a selection error', () => {
    const wrapped = selectionError('Server selection timed out');
    Object.defineProperty(wrapped, 'cause', { value: serverError(18, 'Authentication failed.') });
    expect(documentFailureKind(wrapped)).toBe('credentials');
  });
});

describe('plainString', () => {
  it('lets a string through and refuses anything that could be read as an operator', () => {
    expect(plainString('01890000-0000-7000-8000-000000000000', 'id')).toBe('01890000-0000-7000-8000-000000000000');
    for (const value of [{ $ne: null }, { $gt: '' }, ['a'], 1, null, undefined]) {
      expect(() => plainString(value, 'id')).toThrow('id must be a string to be used in a query');
    }
  });
});

import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { fresh } from '../../../test/support/fresh';
import type * as Errors from './errors';

let documentFailureKind: typeof Errors.documentFailureKind;
let plainString: typeof Errors.plainString;

// Loaded afresh for each test, as a cold start does: the tables of codes and names are built when the module loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
beforeEach(() => ({ documentFailureKind, plainString } = fresh(() => require('./errors') as typeof Errors)));

/** A server selection failure as the driver raises it: with the topology it could not select from. */
const selectionError = (message: string) =>
  new MongoServerSelectionError(message, { error: null, servers: new Map(), type: 'ReplicaSetNoPrimary' } as never);
const serverError = (code: number, message: string) => Object.assign(new MongoServerError({ message, code, errmsg: message }), { code });

describe('documentFailureKind', () => {
  it.each([
    [serverError(11000, 'E11000 duplicate key error collection: users.users index: test_contacts_email_unique'), 'duplicate'],
    [serverError(18, 'Authentication failed.'), 'credentials'],
    [selectionError('Server selection timed out after 1500 ms'), 'unavailable'],
    [new MongoNetworkError('connection 1 to 10.0.0.1:27017 closed'), 'unavailable'],
    [new MongoNetworkTimeoutError('connection timed out'), 'unavailable'],
    [
      serverError(
        1,
        "[collection.go:177 sqlite.(*collection).UpdateAll.func1] constraint failed: UNIQUE constraint failed: index 'users_5e7c_email_1' (2067)",
      ),
      'duplicate',
    ],
    [serverError(1, 'constraint failed: NOT NULL constraint failed'), 'other'],
    [serverError(2, "UNIQUE constraint failed: index 'x'"), 'other'],
    [serverError(2, 'BadValue'), 'other'],
    [new Error('boom'), 'other'],
    ['not an error', 'other'],
  ])('maps %p to %s', (error, kind) => {
    expect(documentFailureKind(error)).toBe(kind);
  });

  it('reads a rejected login by its code or by its name alone, and a duplicate only by a numeric code', () => {
    expect(documentFailureKind(Object.assign(new Error('Authentication failed.'), { code: 18 }))).toBe('credentials');
    expect(documentFailureKind(Object.assign(new Error('auth'), { name: 'MongoAuthenticationError' }))).toBe('credentials');
    expect(documentFailureKind(Object.assign(new Error('dup'), { code: 11001 }))).toBe('duplicate');
    expect(documentFailureKind(Object.assign(new Error('dup'), { code: '11000' }))).toBe('other');
    // Not an Error: whatever fields it has, nothing is read from it.
    expect(documentFailureKind({ code: 18, name: 'MongoAuthenticationError' })).toBe('other');
    expect(documentFailureKind({ name: 'MongoNetworkError' })).toBe('other');
  });

  it.each([
    'MongoServerSelectionError',
    'MongoNetworkError',
    'MongoNetworkTimeoutError',
    'MongoTopologyClosedError',
    'MongoPoolClearedError',
    'MongoNotConnectedError',
    'MongoOperationTimeoutError',
  ])('takes a %s for an unavailable database', (name) => {
    expect(documentFailureKind(Object.assign(new Error('down'), { name }))).toBe('unavailable');
  });

  it('reads a cause only for a rejected login, and stops at an error that is its own cause', () => {
    const unavailable = Object.assign(new Error('down'), { name: 'MongoPoolClearedError' });
    expect(documentFailureKind(Object.assign(unavailable, { cause: new Error('socket hang up') }))).toBe('unavailable');
    expect(documentFailureKind(Object.assign(new Error('boom'), { cause: serverError(11000, 'E11000') }))).toBe('other');
    const loop = new Error('loop');
    Object.assign(loop, { cause: loop });
    expect(documentFailureKind(loop)).toBe('other');
    const deep = Object.assign(new Error('outer'), {
      cause: Object.assign(new Error('inner'), { cause: serverError(18, 'Authentication failed.') }),
    });
    expect(documentFailureKind(deep)).toBe('credentials');
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

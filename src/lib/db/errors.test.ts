import fc from 'fast-check';
import { DatabaseUnavailableError } from '../errors';
import { fresh } from '../../../test/support/fresh';
import { failureKind, isUnavailable, translateDatabaseError } from './errors';
import { databaseNames } from '../../../test/support/names';

const pgError = (code: string, message = 'server said no') => Object.assign(new Error(message), { code });

describe('isUnavailable', () => {
  it.each(['53300', '57P01', '57P03', '08006', '08001', '28P01', '57014', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT'])(
    'treats %s as unavailable',
    (code) => {
      expect(isUnavailable(pgError(code))).toBe(true);
    },
  );

  it.each(['Connection terminated unexpectedly', 'timeout exceeded when trying to connect', 'Query read timeout'])(
    'treats "%s" as unavailable',
    (message) => {
      expect(isUnavailable(new Error(message))).toBe(true);
    },
  );

  it.each(['23505', '22P02', '42601', '42P01'])('leaves %s (a statement error) alone', (code) => {
    expect(isUnavailable(pgError(code))).toBe(false);
  });

  it('classifies generated failures by their SQLSTATE class and message, never throwing (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          // Class 08 (connection exception) is lost or unavailable, whatever the rest of the code.
          fc.tuple(fc.constant('08'), fc.stringMatching(/^[0-9A-Z]{3}$/)).map(([a, b]) => ({ code: a + b, expected: true })),
          // Class 23 (integrity), 22 (data) and 42 (syntax) are the statement's own fault: never an outage.
          fc
            .tuple(fc.constantFrom('23', '22', '42'), fc.stringMatching(/^[0-9A-Z]{3}$/))
            .map(([a, b]) => ({ code: a + b, expected: false })),
          fc.constantFrom('28P01', '53300', '57P01', '57014', 'ECONNRESET', 'ETIMEDOUT').map((code) => ({ code, expected: true })),
        ),
        fc.string({ maxLength: 40 }).filter((noise) => !/timeout|connection|clients|slots|startup/i.test(noise)),
        ({ code, expected }, noise) => {
          expect(isUnavailable(pgError(code, noise))).toBe(expected);
          // The message decides when the code does not: a driver's own error has none.
          expect(isUnavailable(new Error(`${noise} Connection terminated unexpectedly`))).toBe(true);
          expect(isUnavailable(new Error(noise))).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
    for (const sample of [null, undefined, 0, '', 'x', [], {}, { code: 5 }, Symbol('s'), () => 1])
      expect(isUnavailable(sample)).toBe(false);
  });
});

describe('translateDatabaseError', () => {
  it('wraps an outage in DatabaseUnavailableError and keeps the cause', () => {
    const cause = pgError('53300', 'sorry, too many clients already');
    const translated = translateDatabaseError(cause) as DatabaseUnavailableError;
    expect(translated).toBeInstanceOf(DatabaseUnavailableError);
    expect(translated.retryAfterSeconds).toBeGreaterThan(0);
    expect(translated.cause).toBe(cause);
    expect(translated.message).not.toContain('clients');
  });

  it('passes other errors through untouched', () => {
    const duplicate = pgError('23505');
    expect(translateDatabaseError(duplicate)).toBe(duplicate);
  });
});

describe('failureKind', () => {
  // Loaded afresh for each case: the tables it classifies by are built when the module loads.
  let classify: typeof failureKind;
  beforeEach(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ({ failureKind: classify } = fresh(() => require('./errors') as typeof import('./errors')));
  });

  it.each([
    ['28P01', 'credentials'],
    ['28000', 'credentials'],
    ['53300', 'capacity'],
    ['53400', 'capacity'],
    ['57P03', 'capacity'],
    ['57P01', 'connection-lost'],
    ['57P02', 'connection-lost'],
    ['57P05', 'connection-lost'],
    ['08000', 'connection-lost'],
    ['08003', 'connection-lost'],
    ['08006', 'connection-lost'],
    ['08007', 'connection-lost'],
    ['ECONNRESET', 'connection-lost'],
    ['EPIPE', 'connection-lost'],
    ['57014', 'unavailable'],
    ['3D000', 'unavailable'],
    ['08001', 'unavailable'],
    ['08004', 'unavailable'],
    ['ECONNREFUSED', 'unavailable'],
    ['ETIMEDOUT', 'unavailable'],
    ['ENOTFOUND', 'unavailable'],
    ['EHOSTUNREACH', 'unavailable'],
    ['ENETUNREACH', 'unavailable'],
    ['EAI_AGAIN', 'unavailable'],
    ['23505', 'statement'],
    ['22P02', 'statement'],
  ])('classifies %s as %s', (code, kind) => {
    expect(classify(pgError(code))).toBe(kind);
  });

  it.each([
    ['sorry, too many clients already', 'capacity'],
    [`too many connections for role "${databaseNames.login}"`, 'capacity'],
    ['remaining connection slots are reserved for roles with the SUPERUSER attribute', 'capacity'],
    ['no more connections allowed (max_client_conn)', 'capacity'],
    ['connection limit exceeded for non-superusers', 'capacity'],
    ['Connection terminated unexpectedly', 'connection-lost'],
    ['Connection closed', 'connection-lost'],
    ['connection is closed', 'connection-lost'],
    ['Client has encountered a connection error and is not queryable', 'connection-lost'],
    ['timeout exceeded when trying to connect', 'unavailable'],
    ['Connection terminated due to connection timeout', 'unavailable'],
    ['Query read timeout', 'unavailable'],
    ['Cannot use a pool after calling end on the pool', 'unavailable'],
    ['unsupported startup parameter: statement_timeout', 'startup-parameters'],
    ['boom', 'other'],
  ])('classifies "%s" as %s', (message, kind) => {
    expect(classify(new Error(message))).toBe(kind);
  });
});

describe('the edges of the classification', () => {
  it('takes only a whole five-character SQLSTATE as a refused statement', () => {
    expect(['ABCDEF', 'x12345', 'ECONNABORTED', '2350'].map((code) => failureKind(Object.assign(new Error('x'), { code })))).toEqual([
      'other',
      'other',
      'other',
      'other',
    ]);
  });

  it('counts an error already translated as an outage, and says so in its message', () => {
    const translated = translateDatabaseError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })) as Error;
    expect(translated.message).toBe('The database is temporarily unavailable');
    expect(isUnavailable(translated)).toBe(true);
    expect(isUnavailable(new DatabaseUnavailableError('no secret'))).toBe(true);
  });
});

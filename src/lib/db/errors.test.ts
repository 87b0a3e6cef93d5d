import fc from 'fast-check';
import { DatabaseUnavailableError } from '../errors';
import { failureKind, isUnavailable, translateDatabaseError } from './errors';

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
  it.each([
    ['28P01', 'credentials'],
    ['28000', 'credentials'],
    ['53300', 'capacity'],
    ['57P03', 'capacity'],
    ['57P01', 'connection-lost'],
    ['57P05', 'connection-lost'],
    ['ECONNRESET', 'connection-lost'],
    ['ECONNREFUSED', 'unavailable'],
    ['57014', 'unavailable'],
    ['23505', 'statement'],
    ['22P02', 'statement'],
  ])('classifies %s as %s', (code, kind) => {
    expect(failureKind(pgError(code))).toBe(kind);
  });

  it.each([
    ['sorry, too many clients already', 'capacity'],
    ['no more connections allowed (max_client_conn)', 'capacity'],
    ['Connection terminated unexpectedly', 'connection-lost'],
    ['timeout exceeded when trying to connect', 'unavailable'],
    ['Connection terminated due to connection timeout', 'unavailable'],
    ['Query read timeout', 'unavailable'],
    ['unsupported startup parameter: statement_timeout', 'startup-parameters'],
    ['boom', 'other'],
  ])('classifies "%s" as %s', (message, kind) => {
    expect(failureKind(new Error(message))).toBe(kind);
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

import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { fresh } from '../../../test/support/fresh';
import type * as Errors from '../errors';
import type * as Pagination from './pagination';

let ValidationError: typeof Errors.ValidationError;
let decodeCursor: typeof Pagination.decodeCursor;
let encodeCursor: typeof Pagination.encodeCursor;
let cursorPattern: typeof Pagination.cursorPattern;

// Loaded afresh for each test, as a cold start does: the cursor format is fixed when the module loads.
beforeEach(() => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  ({ ValidationError, decodeCursor, encodeCursor, cursorPattern } = fresh(() => ({
    ...(require('../errors') as typeof Errors),
    ...(require('./pagination') as typeof Pagination),
  })));
  /* eslint-enable @typescript-eslint/no-require-imports */
});

describe('cursors', () => {
  it('keep their format across releases: a cursor handed out before still reads', () => {
    const id = '01890000-0000-7000-8000-000000000000';
    expect(encodeCursor(id)).toBe('1AYkAAAAAcACAAAAAAAAAAA');
    expect(decodeCursor('1AYkAAAAAcACAAAAAAAAAAA')).toBe(id);
  });

  it('read every string of their form, as the contract states it: any 16 bytes are a position', () => {
    fc.assert(
      fc.property(fc.stringMatching(cursorPattern), (cursor) => {
        expect(decodeCursor(cursor)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }),
    );
  });

  it('round-trip an id and stay URL-safe', () => {
    for (let i = 0; i < 100; i += 1) {
      const id = randomUUID();
      const cursor = encodeCursor(id);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).toBe(id);
    }
  });

  it('reject anything that is not a cursor with a ValidationError on "cursor" (fuzz)', () => {
    const samples = [
      '',
      'abc',
      `2${'A'.repeat(22)}`,
      `1${'A'.repeat(21)}`,
      `1${'A'.repeat(23)}`,
      `1${'A'.repeat(21)}=`,
      `1${'A'.repeat(21)}+`,
    ];
    samples.push('dTE6MDE4OTAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw', Buffer.from(randomUUID()).toString('base64url'));
    for (let i = 0; i < 500; i += 1) samples.push(randomBytes(Math.floor(Math.random() * 60)).toString(i % 2 ? 'base64url' : 'latin1'));
    // A random string of the cursor's form is a cursor (test above): only the others must be refused.
    for (const sample of samples.filter((text) => !/^1[A-Za-z0-9_-]{22}$/.test(text))) {
      try {
        decodeCursor(sample);
        throw new Error(`accepted ${JSON.stringify(sample)}`);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as Errors.ValidationError).issues[0]?.field).toBe('cursor');
      }
    }
  });
});

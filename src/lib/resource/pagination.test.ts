import { randomBytes, randomUUID } from 'node:crypto';
import { fresh } from '../../../test/support/fresh';
import type * as Errors from '../errors';
import type * as Pagination from './pagination';

let ValidationError: typeof Errors.ValidationError;
let decodeCursor: typeof Pagination.decodeCursor;
let encodeCursor: typeof Pagination.encodeCursor;

// Loaded afresh for each test, as a cold start does: the cursor format is fixed when the module loads.
beforeEach(() => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  ({ ValidationError, decodeCursor, encodeCursor } = fresh(() => ({
    ...(require('../errors') as typeof Errors),
    ...(require('./pagination') as typeof Pagination),
  })));
  /* eslint-enable @typescript-eslint/no-require-imports */
});

describe('cursors', () => {
  it('keep their format across releases: a cursor handed out before still reads', () => {
    const id = '01890000-0000-7000-8000-000000000000';
    expect(encodeCursor(id)).toBe('dTE6MDE4OTAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw');
    expect(decodeCursor('dTE6MDE4OTAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw')).toBe(id);
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
    const samples = ['', 'abc', Buffer.from('u1:not-a-uuid').toString('base64url'), Buffer.from(randomUUID()).toString('base64url')];
    for (let i = 0; i < 500; i += 1) samples.push(randomBytes(Math.floor(Math.random() * 60)).toString(i % 2 ? 'base64url' : 'latin1'));
    for (const sample of samples) {
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

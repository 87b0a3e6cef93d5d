import { randomBytes, randomUUID } from 'node:crypto';
import { ValidationError } from '../errors';
import { decodeCursor, encodeCursor } from './pagination';

describe('cursors', () => {
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
        expect((error as ValidationError).issues[0]?.field).toBe('cursor');
      }
    }
  });
});

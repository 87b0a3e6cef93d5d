import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { httpEvent } from '../../../test/support/events';
import { listUsersQuery, userIdPath } from '../users/routes';
import { userInputSchema } from '../users/model';
import { parseInput } from './input';

describe('parseInput', () => {
  it('returns typed, normalised input', () => {
    const event = httpEvent({ method: 'PUT', path: '/x', pathParameters: { id: '0190f6a4-3c1e-7d2a-8b3c-4d5e6f708192' } });
    const input = parseInput({ path: userIdPath, body: userInputSchema }, { ...event, body: { email: ' A@B.CO ', name: ' N ' } as never });
    expect(input.body).toEqual({ email: 'a@b.co', name: 'N' });
    expect(input.path.id).toBe('0190f6a4-3c1e-7d2a-8b3c-4d5e6f708192');
  });

  it('rejects control characters in a name, which PostgreSQL text cannot always hold', () => {
    for (const name of ['a\u0000b', 'line\nbreak', 'tab\there']) {
      const event = { ...httpEvent({ method: 'POST', path: '/x' }), body: { email: 'a@b.co', name } as never };
      expect(() => parseInput({ body: userInputSchema }, event)).toThrow(ValidationError);
    }
  });

  it('turns a path that names no resource into NotFoundError', () => {
    expect(() => parseInput({ path: userIdPath }, httpEvent({ method: 'GET', path: '/x', pathParameters: { id: 'abc' } }))).toThrow(
      NotFoundError,
    );
  });

  it('names each invalid field of the body and query', () => {
    try {
      parseInput({ body: userInputSchema }, { ...httpEvent({ method: 'POST', path: '/x' }), body: { email: 5 } as never });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['email', 'name']);
    }
    expect(() => parseInput({ query: listUsersQuery }, httpEvent({ method: 'GET', path: '/x', query: { limit: '0' } }))).toThrow(
      ValidationError,
    );
  });

  it('names the body itself when it is not an object', () => {
    try {
      parseInput({ body: z.object({ a: z.string() }) }, { ...httpEvent({ method: 'POST', path: '/x' }), body: [1] as never });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect((error as ValidationError).issues[0]?.field).toBe('body');
    }
  });

  it('defaults limit to 20 and coerces it from the query string', () => {
    expect(parseInput({ query: listUsersQuery }, httpEvent({ method: 'GET', path: '/x' })).query).toEqual({ limit: 20 });
    expect(parseInput({ query: listUsersQuery }, httpEvent({ method: 'GET', path: '/x', query: { limit: '100' } })).query.limit).toBe(100);
  });
});

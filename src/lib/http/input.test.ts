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

  const body = (value: unknown) => ({ ...httpEvent({ method: 'POST', path: '/x' }), body: value as never });
  const issues = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return (error as ValidationError).issues;
    }
    return [];
  };

  it('refuses a body that is not a JSON object, naming the body', () => {
    for (const value of [null, [], [{}], 'text', 42, true]) {
      expect(issues(() => parseInput({ body: userInputSchema }, body(value)))).toEqual([
        { field: 'body', message: 'must be a JSON object' },
      ]);
    }
  });

  it('takes limit in decimal digits only', () => {
    const limit = (value: string) =>
      issues(() => parseInput({ query: listUsersQuery }, httpEvent({ method: 'GET', path: '/x', query: { limit: value } })));
    for (const value of ['1', '007', '100']) expect(limit(value)).toEqual([]);
    for (const value of ['0', '101', '1000', '+5', '-1', '1e1', '0x10', '0o7', '0b1', '5.0', ' 5', '', 'NaN', 'Infinity', '1,2']) {
      expect([value, limit(value).map((issue) => issue.field)]).toEqual([value, ['limit']]);
    }
  });

  it('refuses a repeated parameter, saying so', () => {
    const event = { ...httpEvent({ method: 'GET', path: '/x', query: { limit: '1,2' } }), rawQueryString: 'limit=1&limit=2&cursor=a' };
    expect(issues(() => parseInput({ query: listUsersQuery }, event))).toEqual([{ field: 'limit', message: 'must be given once' }]);
  });

  it('stores a name in NFC and counts its length in code points, as PostgreSQL does', () => {
    const parsed = (name: string) => parseInput({ body: userInputSchema }, body({ email: 'a@b.co', name })).body.name;
    expect(parsed('Cafe\u0301')).toBe('Caf\u00e9');
    expect(parsed('\u{1F600}'.repeat(200))).toHaveLength(400);
    expect(issues(() => parsed('\u{1F600}'.repeat(201)))).toEqual([{ field: 'name', message: 'must be at most 200 characters' }]);
  });

  it('refuses names without a visible character, with lone surrogates or with bidirectional controls', () => {
    const refused = (name: string) => issues(() => parseInput({ body: userInputSchema }, body({ email: 'a@b.co', name })))[0]?.message;
    expect(refused('   ')).toBe('must not be empty');
    expect(refused('\u200B\u200D')).toBe('must contain at least one visible character');
    expect(refused('a\uD800b')).toBe('must be valid Unicode text');
    expect(refused('\uDC00')).toBe('must be valid Unicode text');
    expect(refused('abc\u202Edcb')).toBe('must not contain bidirectional control characters');
    expect(refused('x\u2067y')).toBe('must not contain bidirectional control characters');
    // Joiners inside emoji sequences and letters of every script are names.
    for (const name of ['\u{1F469}\u200D\u{1F4BB}', '\u05E9\u05DC\u05D5\u05DD', '\u674E\u660E', 'Zo\u00EB'])
      expect(refused(name)).toBeUndefined();
  });
});

describe('parseInput: what a refusal names', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
      return 'accepted';
    } catch (error) {
      if (error instanceof ValidationError) return error.issues;
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };

  it('says that a path names no resource', () => {
    expect(refusal(() => parseInput({ path: userIdPath }, httpEvent({ method: 'GET', path: '/x', pathParameters: { id: 'abc' } })))).toBe(
      'NotFoundError: No resource exists at this path',
    );
  });

  it('names the query or the body itself when the whole of it is wrong', () => {
    const whole = z.object({ a: z.string().optional() }).refine((value) => value.a !== 'no', 'must not say no');
    expect(refusal(() => parseInput({ query: whole }, httpEvent({ method: 'GET', path: '/x', query: { a: 'no' } })))).toEqual([
      { field: 'query', message: 'must not say no' },
    ]);
    const event = { ...httpEvent({ method: 'POST', path: '/x' }), body: { a: 'no' } as never };
    expect(refusal(() => parseInput({ body: whole }, event))).toEqual([{ field: 'body', message: 'must not say no' }]);
  });

  it('names a nested field by its path, joined with dots', () => {
    const nested = z.object({ owner: z.object({ email: z.string() }) });
    const event = { ...httpEvent({ method: 'POST', path: '/x' }), body: { owner: { email: 1 } } as never };
    expect(refusal(() => parseInput({ body: nested }, event))).toEqual([{ field: 'owner.email', message: expect.any(String) }]);
  });

  it('reads the headers a route asks for, and names them when they are wrong', () => {
    const headers = z.object({ 'accept-encoding': z.string().optional(), 'x-count': z.string().regex(/^\d+$/).optional() });
    const event = httpEvent({ method: 'GET', path: '/x', headers: { 'accept-encoding': 'br', 'x-other': 'kept out' } });
    expect(parseInput({ headers }, event).headers).toEqual({ 'accept-encoding': 'br' });
    expect(parseInput({}, event).headers).toBeUndefined();
    expect(refusal(() => parseInput({ headers }, httpEvent({ method: 'GET', path: '/x', headers: { 'x-count': 'many' } })))).toEqual([
      { field: 'x-count', message: expect.any(String) },
    ]);
    const whole = z.object({}).refine(() => false, 'must not be sent');
    expect(refusal(() => parseInput({ headers: whole }, { ...event, headers: undefined } as never))).toEqual([
      { field: 'headers', message: 'must not be sent' },
    ]);
  });

  it('checks for repeated parameters only on a route that reads the query', () => {
    const event = httpEvent({
      method: 'GET',
      path: '/x',
      rawQuery: 'limit=1&limit=2',
      pathParameters: { id: '0190f6a4-3c1e-7d2a-8b3c-4d5e6f708192' },
    });
    expect(refusal(() => parseInput({ path: userIdPath }, event))).toBe('accepted');
    expect(refusal(() => parseInput({ query: listUsersQuery }, event))).toEqual([{ field: 'limit', message: 'must be given once' }]);
  });
});

import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors';
import { httpEvent, parsedBody, validationIssues } from '../../../test/support/events';
import * as zm from 'zod/mini';
import { idPath, listQuery } from '../resource/schemas';
import { parseInput } from './input';

/** A body whose fields are normalised as they are parsed. */
const personInput = zm.object({
  email: zm.string().check(zm.trim(), zm.toLowerCase()),
  name: zm.string().check(zm.trim()),
});

describe('parseInput', () => {
  it('returns typed, normalised input', () => {
    const event = httpEvent({ method: 'PUT', path: '/x', pathParameters: { id: '0190f6a4-3c1e-7d2a-8b3c-4d5e6f708192' } });
    const input = parseInput({ path: idPath, body: personInput }, { ...event, body: { email: ' A@B.CO ', name: ' N ' } as never });
    expect(input.body).toEqual({ email: 'a@b.co', name: 'N' });
    expect(input.path.id).toBe('0190f6a4-3c1e-7d2a-8b3c-4d5e6f708192');
  });

  it('turns a path that names no resource into NotFoundError', () => {
    expect(() => parseInput({ path: idPath }, httpEvent({ method: 'GET', path: '/x', pathParameters: { id: 'abc' } }))).toThrow(
      NotFoundError,
    );
  });

  it('names each invalid field of the body and query', () => {
    try {
      parseInput({ body: personInput }, { ...httpEvent({ method: 'POST', path: '/x' }), body: { email: 5 } as never });
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual(['email', 'name']);
    }
    expect(() => parseInput({ query: listQuery }, httpEvent({ method: 'GET', path: '/x', query: { limit: '0' } }))).toThrow(
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
    expect(parseInput({ query: listQuery }, httpEvent({ method: 'GET', path: '/x' })).query).toEqual({ limit: 20 });
    expect(parseInput({ query: listQuery }, httpEvent({ method: 'GET', path: '/x', query: { limit: '100' } })).query.limit).toBe(100);
  });

  const body = parsedBody;
  const issues = validationIssues;

  it('refuses a body that is not a JSON object, naming the body', () => {
    for (const value of [null, [], [{}], 'text', 42, true]) {
      expect(issues(() => parseInput({ body: personInput }, body(value)))).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
    }
  });

  it('takes limit in decimal digits only', () => {
    const limit = (value: string) =>
      issues(() => parseInput({ query: listQuery }, httpEvent({ method: 'GET', path: '/x', query: { limit: value } })));
    for (const value of ['1', '007', '100']) expect(limit(value)).toEqual([]);
    for (const value of ['0', '101', '1000', '+5', '-1', '1e1', '0x10', '0o7', '0b1', '5.0', ' 5', '', 'NaN', 'Infinity', '1,2']) {
      expect([value, limit(value).map((issue) => issue.field)]).toEqual([value, ['limit']]);
    }
  });

  it('refuses a repeated parameter, saying so', () => {
    const event = { ...httpEvent({ method: 'GET', path: '/x', query: { limit: '1,2' } }), rawQueryString: 'limit=1&limit=2&cursor=a' };
    expect(issues(() => parseInput({ query: listQuery }, event))).toEqual([{ field: 'limit', message: 'must be given once' }]);
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
    expect(refusal(() => parseInput({ path: idPath }, httpEvent({ method: 'GET', path: '/x', pathParameters: { id: 'abc' } })))).toBe(
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
    expect(refusal(() => parseInput({ path: idPath }, event))).toBe('accepted');
    expect(refusal(() => parseInput({ query: listQuery }, event))).toEqual([{ field: 'limit', message: 'must be given once' }]);
  });
});

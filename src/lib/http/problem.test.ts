import { createError } from '@middy/util';
import { ConflictError, DatabaseUnavailableError, NotFoundError, ValidationError } from '../errors';
import { HttpError, problemResponse } from './problem';

const bodyOf = (error: unknown) => JSON.parse(problemResponse(error).response.body as string);

describe('problemResponse', () => {
  it.each([
    [new ValidationError([{ field: 'email', message: 'must be a valid email address' }]), 400],
    [new NotFoundError('No user has this id'), 404],
    [new ConflictError('A user with this email already exists'), 409],
    [new HttpError(413, 'too big'), 413],
    [new DatabaseUnavailableError('down'), 503],
    [createError(415, 'Unsupported Media Type', { cause: { package: '@middy/http-json-body-parser' } }), 415],
    [createError(415, 'Invalid or malformed JSON was provided', { cause: { package: '@middy/http-json-body-parser' } }), 400],
    [new Error('boom'), 500],
  ])('maps %p to %i as application/problem+json', (error, status) => {
    const { response } = problemResponse(error);
    expect(response.statusCode).toBe(status);
    expect(response.headers).toMatchObject({ 'Content-Type': 'application/problem+json' });
    expect(bodyOf(error)).toMatchObject({ type: 'about:blank', status, title: expect.any(String), detail: expect.any(String) });
  });

  it('names each invalid field', () => {
    const body = bodyOf(
      new ValidationError([
        { field: 'email', message: 'is required' },
        { field: 'name', message: 'must not be empty' },
      ]),
    );
    expect(body.errors).toEqual([
      { field: 'email', message: 'is required' },
      { field: 'name', message: 'must not be empty' },
    ]);
    expect(body.detail).toBe('email is required; name must not be empty');
  });

  it('adds Retry-After to 503', () => {
    expect(problemResponse(new DatabaseUnavailableError('down', 2)).response.headers).toMatchObject({ 'Retry-After': '2' });
  });

  it('never leaks the message, stack or SQL of an unexpected error', () => {
    const error = Object.assign(new Error('relation "users" does not exist: select * from users'), { code: '42P01' });
    const raw = problemResponse(error).response.body as string;
    expect(raw).not.toMatch(/relation|select|users|at |42P01/);
    expect(problemResponse(error).expected).toBe(false);
  });
});

import {
  AccessDeniedError,
  ConflictError,
  DatabaseUnavailableError,
  IdempotencyKeyError,
  NotFoundError,
  UnavailableError,
  ValidationError,
} from './errors';

describe('domain errors', () => {
  it('are named after their class: the name is what a log line and an alert show', () => {
    const errors = [
      new ValidationError([{ field: 'email', message: 'Invalid email address' }]),
      new NotFoundError('User 1 not found'),
      new ConflictError('Email already in use'),
      new UnavailableError('token-keys', 'no keys', 'Retry shortly.'),
      new DatabaseUnavailableError('down'),
      new AccessDeniedError('no token'),
      new IdempotencyKeyError(409, 'in progress'),
    ];
    expect(errors.map((error) => error.name)).toEqual([
      'ValidationError',
      'NotFoundError',
      'ConflictError',
      'UnavailableError',
      'DatabaseUnavailableError',
      'AccessDeniedError',
      'IdempotencyKeyError',
    ]);
    expect(String(errors[1])).toBe('NotFoundError: User 1 not found');
  });

  it('name the invalid fields in the message, and keep the issues for the response', () => {
    const issues = [
      { field: 'email', message: 'Invalid email address' },
      { field: 'name', message: 'Too long' },
    ];
    const error = new ValidationError(issues);
    expect(error.message).toBe('Invalid email, name');
    expect(error.issues).toBe(issues);
  });

  it('say which dependency is unavailable, what the client reads, and when to retry', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new DatabaseUnavailableError('The database is temporarily unavailable', 3, { cause });
    expect(error).toBeInstanceOf(UnavailableError);
    expect([error.cause503, error.message, error.detail, error.retryAfterSeconds, error.cause]).toEqual([
      'database',
      'The database is temporarily unavailable',
      'The service cannot reach its database right now. Retry shortly.',
      3,
      cause,
    ]);
    expect(new DatabaseUnavailableError('down').retryAfterSeconds).toBe(1);
    expect(new UnavailableError('idempotency-store', 'down', 'Retry.').retryAfterSeconds).toBe(1);
  });

  it('answer 401 without a usable token and 403 without the scope', () => {
    expect(new AccessDeniedError('no token').statusCode).toBe(401);
    expect(new AccessDeniedError('bad', 'invalid_token').statusCode).toBe(401);
    const denied = new AccessDeniedError('scope', 'insufficient_scope', 'test-contacts.write');
    expect([denied.statusCode, denied.bearerError, denied.scope]).toEqual([403, 'insufficient_scope', 'test-contacts.write']);
  });
});

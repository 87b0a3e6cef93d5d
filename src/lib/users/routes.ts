import * as z from 'zod/mini';

/** Request shapes shared by the users routes. */
export const userIdPath = z.object({ id: z.uuid() });

const limitMessage = 'must be a whole number from 1 to 100, in decimal digits';

export const listUsersQuery = z.object({
  // Digits only: no sign, exponent, fraction, or hex, octal and binary literals.
  limit: z._default(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, limitMessage)),
      z.pipe(z.transform(Number), z.number().check(z.gte(1, limitMessage), z.lte(100, limitMessage))),
    ),
    20,
  ),
  cursor: z.optional(
    z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(200, 'must be a cursor returned by a previous page')),
  ),
});

export const userLocation = (id: string) => `/api/users/${id}`;

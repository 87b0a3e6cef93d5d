import { z } from 'zod';

/** Request shapes shared by the users routes. */
export const userIdPath = z.object({ id: z.uuid() });

const limitMessage = 'must be a whole number from 1 to 100, in decimal digits';

export const listUsersQuery = z.object({
  // Digits only: no sign, exponent, fraction, or hex, octal and binary literals.
  limit: z
    .string()
    .regex(/^\d{1,3}$/, limitMessage)
    .transform(Number)
    .pipe(z.number().min(1, limitMessage).max(100, limitMessage))
    .default(20),
  cursor: z.string().min(1, 'must not be empty').max(200, 'must be a cursor returned by a previous page').optional(),
});

export const userLocation = (id: string) => `/api/users/${id}`;

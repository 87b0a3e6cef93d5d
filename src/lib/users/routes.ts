import { z } from 'zod';

/** Request shapes shared by the users routes. */
export const userIdPath = z.object({ id: z.uuid() });

export const listUsersQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(20),
  cursor: z.string().min(1, 'must not be empty').optional(),
});

export const userLocation = (id: string) => `/api/users/${id}`;

import * as z from 'zod/mini';

/** The request shapes every resource's routes share: an item's id in the path, and a page's query. */
export const idPath = z.object({ id: z.uuid() });

const limitMessage = 'must be a whole number from 1 to 100, in decimal digits';

export const listQuery = z.object({
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

/** A page of `item`: the items, and the cursor of the next page or null. */
export const pageOf = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), next: z.nullable(z.string()) });

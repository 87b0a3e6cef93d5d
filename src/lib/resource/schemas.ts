import * as z from 'zod/mini';
import { cursorPattern } from './pagination';

/** An id and a cursor, as the contract's examples show them. */
export const exampleId = '01890000-0000-7000-8000-000000000000';
export const exampleCursor = '1AYkAAAAAcACAAAAAAAAAAA';

/** The request shapes every resource's routes share: an item's id in the path, and a page's query. */
export const idPath = z.object({ id: z.uuid().register(z.globalRegistry, { param: { example: exampleId } }) });

const limits = { minimum: 1, maximum: 100, default: 20 } as const;
const limitMessage = `must be a whole number from ${limits.minimum} to ${limits.maximum}, in decimal digits`;

export const listQuery = z.object({
  // Digits only: no sign, exponent, fraction, or hex, octal and binary literals.
  limit: z
    ._default(
      z.pipe(
        z.string().check(z.regex(/^\d{1,3}$/, limitMessage)),
        z.pipe(z.transform(Number), z.number().check(z.gte(limits.minimum, limitMessage), z.lte(limits.maximum, limitMessage))),
      ),
      limits.default,
    )
    // The contract says what a client sends: an integer, which a query string carries as the digits this parses.
    .register(z.globalRegistry, {
      param: { example: limits.default },
      override: ({ jsonSchema }) => {
        delete jsonSchema.pattern;
        Object.assign(jsonSchema, { type: 'integer', ...limits });
      },
    }),
  cursor: z.optional(z.string().check(z.regex(cursorPattern, 'must be a cursor returned by a previous page'))).register(z.globalRegistry, {
    param: { example: exampleCursor, description: "The previous page's `next`: the page after the item it marks" },
  }),
});

const pages = new WeakMap<z.ZodMiniType, z.ZodMiniType>();

/** A page of `item`: the items, and the cursor of the next page or null. One per item schema, so the contract knows a page by it. */
export function pageOf<T extends z.ZodMiniType>(item: T) {
  const page = pages.get(item) ?? z.object({ items: z.array(item), next: z.nullable(z.string()) });
  pages.set(item, page);
  return page as z.ZodMiniObject<{ items: z.ZodMiniArray<T>; next: z.ZodMiniNullable<z.ZodMiniString> }>;
}

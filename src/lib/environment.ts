import * as z from 'zod/mini';

/** Schema pieces for functions' environments: every value there is text. */

export const commaList = z.pipe(
  z._default(z.string(), ''),
  z.transform((value: string) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

/** A whole number in the environment (where it is text), from `min` (1 unless told) to `max`. */
export const wholeNumber = ({ min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {}) =>
  z.pipe(z.coerce.number(), z.int().check(z.gte(min), z.lte(max)));

/** Text that must not be empty. */
export const text = () => z.string().check(z.minLength(1));

/** Strings that may be set to '' in serverless.yml to mean "not set". */
export const optionalText = z.pipe(
  z.optional(z.string()),
  z.transform((value) => value || undefined),
);

/** The fields a refusal names: their names only, never their values (a secret's, a variable's). */
export function refusedFields(error: { issues: readonly { path: readonly PropertyKey[] }[] }): string {
  // Stryker disable next-line StringLiteral: the variables and the secret's fields are all top-level, so no path has a second part to join.
  return error.issues.map((issue) => issue.path.join('.')).join(', ');
}

/** Parses a function's environment; an error names the offending variables, never their values. */
export function parseEnvironment<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv, what: string): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid ${what}: ${refusedFields(parsed.error)}`);
  return parsed.data;
}

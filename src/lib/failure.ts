import type { Context } from 'aws-lambda';

/**
 * What an unexpected failure's one log line carries: a stable error name to group and match
 * alerts on, the function version (which canary version failed), and the error itself (message,
 * stack). Never the event: it may hold a request body or a secret.
 */
export function failureDetails(error: unknown, context: Pick<Context, 'functionVersion'>) {
  const named = error instanceof Error ? error : new Error(String(error));
  const code = (named as { code?: unknown }).code;
  return {
    errorName: typeof code === 'string' && code ? `${named.name}:${code}` : named.name,
    functionVersion: context.functionVersion,
    error: named,
  };
}

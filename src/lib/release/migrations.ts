import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** A migrate invocation that failed; its message is the migration's own error. */
export class MigrationsFailedError extends Error {
  override readonly name = 'MigrationsFailedError';
}

/** Runs the stage's `migrate` function and waits for it: the migrations it applied, or a MigrationsFailedError. */
export async function runMigrations(lambda: LambdaClient, migrateFunction: string): Promise<string[]> {
  const result = await lambda.send(new InvokeCommand({ FunctionName: migrateFunction, InvocationType: 'RequestResponse' }));
  const payload = result.Payload ? JSON.parse(Buffer.from(result.Payload).toString('utf8') || 'null') : null;
  if (result.FunctionError) {
    throw new MigrationsFailedError(`migrate failed: ${payload?.errorMessage ?? result.FunctionError}`);
  }
  return Array.isArray(payload?.applied) ? payload.applied : [];
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { lambdaContext } from './events';
import { fresh } from './fresh';
import { serviceName } from './names';

/**
 * The lines the service's real logger writes, captured from stdout and stderr: `write` runs with a fresh
 * logger at DEBUG (the tests otherwise run it SILENT) and the Lambda context of `requestId`.
 */
export function captureLogs(requestId: string, write: (logger: Logger, modules: { middlewares: any; errors: any }) => void): string[] {
  const lines: string[] = [];
  const previous = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  // Lambda sends both streams to CloudWatch; the logger writes WARN and ERROR to stderr.
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) stream.write = ((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0) as typeof stream.write;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    fresh(() => {
      const { logger } = require('../../src/lib/logger') as { logger: Logger };
      logger.addContext({ ...lambdaContext(`${serviceName}-dev-testContactsGet`), awsRequestId: requestId, functionVersion: '7' });
      write(logger, { middlewares: require('../../src/lib/http/middlewares'), errors: require('../../src/lib/errors') });
    });
    /* eslint-enable @typescript-eslint/no-require-imports */
  } finally {
    streams.forEach((stream, index) => (stream.write = writes[index]!));
    process.env.POWERTOOLS_LOG_LEVEL = previous;
  }
  return lines.flatMap((chunk) => chunk.split('\n')).filter(Boolean);
}

/** The one line an API route writes for an unexpected failure (what problemDetails logs). */
export function serviceErrorLine(error: Error, requestId: string): string {
  const [line] = captureLogs(requestId, (logger, { middlewares }) => {
    const request = { error, event: { routeKey: 'GET /api/test-contacts/{id}' }, context: { functionVersion: '7' }, response: undefined };
    middlewares.problemDetails({ logger }).onError(request);
  });
  return line!;
}

/** The JSON lines that the logger writes to stdout (INFO and DEBUG) while `run` runs. */
export async function stdoutLines(run: () => Promise<unknown>): Promise<any[]> {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0);
  try {
    await run();
  } finally {
    write.mockRestore();
  }
  return chunks
    .flatMap((chunk) => chunk.split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

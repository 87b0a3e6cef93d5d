import type { Logger } from '@aws-lambda-powertools/logger';
import { fresh } from '../../../test/support/fresh';
import { stdoutLines } from '../../../test/support/service-logs';

describe('eventFunction', () => {
  const load = () => {
    const calls: { level: string; message: string; details: any }[] = [];
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { eventFunction } = fresh(() => {
      const { logger } = require('../logger') as { logger: Logger };
      for (const level of ['error', 'warn', 'info'] as const) {
        jest.spyOn(logger, level).mockImplementation((...[message, details]: any[]) => void calls.push({ level, message, details }));
      }
      return require('./event-function') as typeof import('./event-function');
    });
    /* eslint-enable @typescript-eslint/no-require-imports */
    return { eventFunction, calls };
  };
  const context = { functionVersion: '12', awsRequestId: 'req', functionName: 'f' } as any;

  it('logs a failure once at ERROR with a stable name and the version, then rethrows it', async () => {
    const { eventFunction, calls } = load();
    const failure = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    const handler = eventFunction(async () => {
      throw failure;
    });
    await expect(handler({}, context)).rejects.toBe(failure);
    expect(calls).toEqual([
      { level: 'error', message: 'invocation failed', details: { errorName: 'Error:ECONNREFUSED', functionVersion: '12', error: failure } },
    ]);
  });

  it('logs at WARN when asked, and nothing when the handler succeeds', async () => {
    const { eventFunction, calls } = load();
    const failing = eventFunction(
      async () => {
        throw new RangeError('x');
      },
      { failureLevel: 'warn' },
    );
    await expect(failing({}, context)).rejects.toThrow(RangeError);
    expect(calls.map((call) => [call.level, call.details.errorName])).toEqual([['warn', 'RangeError']]);
    expect(await eventFunction(async (event: { n: number }) => event.n + 1)({ n: 1 }, context)).toBe(2);
    expect(calls).toHaveLength(1);
  });

  it('runs its middlewares around the handler', async () => {
    const { eventFunction } = load();
    const handler = eventFunction(async (event: { seen: string[] }) => event.seen, {
      middlewares: [{ before: ({ event }) => void event.seen.push('before') }],
    });
    expect(await handler({ seen: [] }, context)).toEqual(['before']);
  });

  it('validates its options', () => {
    const { eventFunction } = load();
    expect(() => eventFunction(async () => undefined, { failureLevel: 'info' as never })).toThrow(
      new TypeError('eventFunction: failureLevel must be error or warn'),
    );
  });

  it("keeps the keys an invocation adds to its log lines out of the next invocation's", async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { eventFunction, logger } = fresh(
      () => ({
        ...(require('./event-function') as typeof import('./event-function')),
        logger: (require('../logger') as { logger: Logger }).logger,
      }),
      { POWERTOOLS_LOG_LEVEL: 'INFO' },
    );
    /* eslint-enable @typescript-eslint/no-require-imports */
    const handler = eventFunction(async (event: { key?: string }) => {
      if (event.key) logger.appendKeys({ key: event.key });
      logger.info('handled');
    });
    const logged = await stdoutLines(async () => {
      await handler({ key: 'first' }, context);
      await handler({}, context);
    });
    expect(logged.map((line) => line.key)).toEqual(['first', undefined]);
  });
});

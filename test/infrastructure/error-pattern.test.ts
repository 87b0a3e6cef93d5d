import { deliveryFailurePattern, errorPattern } from '../../resources/alerting';
import { matchesFilterPattern } from '../support/filter-pattern';
import { timeoutReport } from '../support/logs-payload';
import { captureLogs, serviceErrorLine } from '../support/service-logs';

/** The subscription pattern against what the service's logger, the runtime and the platform really write. */
const matches = (line: string) => matchesFilterPattern(errorPattern, line);
/** What problemDetails logs for an expected error, made in the logger's own module registry. */
const rejected = (errorName: 'NotFoundError' | 'DatabaseUnavailableError') =>
  captureLogs('req-rejected', (logger, { middlewares, errors }) =>
    middlewares
      .problemDetails({ logger })
      .onError({ error: new errors[errorName]('rejected'), event: { routeKey: 'GET /api/test-contacts' }, context: {} }),
  );

describe('the error subscription pattern', () => {
  it("matches the service logger's line for an unexpected failure", () => {
    const line = serviceErrorLine(new TypeError('boom'), 'req-1');
    expect(JSON.parse(line)).toMatchObject({ level: 'ERROR', errorName: 'TypeError', function_request_id: 'req-1' });
    expect(matches(line)).toBe(true);
  });

  it('matches anything the logger writes at ERROR, and nothing it writes at DEBUG, INFO or WARN', () => {
    const lines = captureLogs('req-2', (logger) => {
      logger.debug('debug line');
      logger.info('info line', { statusCode: 500 });
      logger.warn('database secret refresh failed; keeping the cached secret', { error: 'timeout' });
      logger.error('database secret could not be fetched', new Error('denied'));
    });
    expect(lines.map((line) => [JSON.parse(line).level, matches(line)])).toEqual([
      ['DEBUG', false],
      ['INFO', false],
      ['WARN', false],
      ['ERROR', true],
    ]);
  });

  it('does not match expected rejections: 4xx and 503 while the database is away', () => {
    const lines = [...rejected('NotFoundError'), ...rejected('DatabaseUnavailableError')];
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(JSON.parse(line).level).toBe('INFO');
      expect(matches(line)).toBe(false);
    }
  });

  it("matches the runtime's uncaught errors and the platform's failed invocations, not its successful ones", () => {
    expect(matches(JSON.stringify({ level: 'ERROR', errorType: 'Runtime.ImportModuleError', errorMessage: 'x' }))).toBe(true);
    expect(matches(timeoutReport('req-3'))).toBe(true);
    const report = (type: string, status: string) => JSON.stringify({ type, record: { requestId: 'r', status } });
    expect(matches(report('platform.report', 'error'))).toBe(true);
    expect(matches(report('platform.initReport', 'failure'))).toBe(true);
    expect(matches(report('platform.report', 'success'))).toBe(false);
    expect(matches(report('platform.initReport', 'success'))).toBe(false);
    expect(matches(JSON.stringify({ type: 'platform.start', record: { requestId: 'r' } }))).toBe(false);
    expect(matches('2026-11-23T12:00:00.000Z ERROR not JSON')).toBe(false);
  });

  it("counts the alerts function's delivery failures, which never match the error pattern", () => {
    const [line] = captureLogs('req-4', (logger) =>
      logger.warn('alert delivery failed', { alertDeliveryFailed: true, channel: 'slack', reason: 'Slack answered 500' }),
    );
    expect(matchesFilterPattern(deliveryFailurePattern, line!)).toBe(true);
    expect(matches(line!)).toBe(false);
    expect(matchesFilterPattern(deliveryFailurePattern, JSON.stringify({ level: 'INFO', alertDeliveryFailed: false }))).toBe(false);
  });
});

import { withEnv } from '../../test/support/fresh';
import { captureLogs } from '../../test/support/service-logs';
import { serviceName } from '../../test/support/names';

describe('logger', () => {
  it("writes each entry as one JSON line with the function's service, stage and version, which queries and alerts read", () => {
    const lines = withEnv(
      { SERVICE_NAME: `${serviceName}-logs`, STAGE: 'staging', SERVICE_VERSION: '1.2.3', POWERTOOLS_SERVICE_NAME: undefined },
      () => captureLogs('req-logger', (logger) => logger.info('user created', { route: 'POST /api/test-contacts' })),
    );
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'INFO',
      message: 'user created',
      service: `${serviceName}-logs`,
      stage: 'staging',
      version: '1.2.3',
      function_request_id: 'req-logger',
      route: 'POST /api/test-contacts',
    });
  });
});

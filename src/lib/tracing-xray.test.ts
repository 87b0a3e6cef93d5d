import dgram from 'node:dgram';
import { fresh } from '../../test/support/fresh';
import { serviceName } from '../../test/support/names';

/**
 * The subsegments as X-Ray receives them: a UDP listener on loopback stands in for the daemon that
 * Lambda runs beside an actively traced function, with Lambda's trace context in the environment.
 */
let socket: dgram.Socket;
const received: Record<string, any>[] = [];
let inSubsegment: typeof import('./tracing-xray').inSubsegment;
const traceId = '1-5759e988-bd862e3fe1be46a994272793';
const lambdaTraceEnv = (port: number) => ({
  AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
  LAMBDA_TASK_ROOT: '/var/task',
  AWS_LAMBDA_FUNCTION_NAME: `${serviceName}-dev-testContactsGet`,
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  _X_AMZN_TRACE_ID: `Root=${traceId};Parent=53995c3f42cd8ad8;Sampled=1`,
});
const saved = { ...process.env };
const parentId = '53995c3f42cd8ad8';

beforeAll(async () => {
  socket = dgram.createSocket('udp4');
  socket.on('message', (message) => received.push(JSON.parse(message.toString().split('\n')[1]!)));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  Object.assign(process.env, lambdaTraceEnv(socket.address().port));
  ({ inSubsegment } = await import('./tracing-xray'));
});

afterAll(() => {
  socket.close();
  process.env = saved;
});

const next = async (count: number) => {
  for (let waited = 0; received.length < count && waited < 2000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  return received[count - 1];
};

describe('inSubsegment', () => {
  it("sends a subsegment of the invocation's segment, with its metadata, and returns the work's result", async () => {
    await expect(inSubsegment('PostgreSQL', async () => 42, { sql: 'select id from test_contacts where id = $1' })).resolves.toBe(42);
    expect(await next(1)).toMatchObject({
      name: 'PostgreSQL',
      type: 'subsegment',
      trace_id: traceId,
      parent_id: parentId,
      metadata: { default: { sql: 'select id from test_contacts where id = $1' } },
    });
    expect(received[0]!.end_time).toBeGreaterThanOrEqual(received[0]!.start_time);
  });

  it('records a failure on the subsegment and rethrows it', async () => {
    await expect(
      inSubsegment('Secrets Manager: database secret', async () => {
        throw new Error('throttled');
      }),
    ).rejects.toThrow('throttled');
    const subsegment = (await next(2))!;
    expect(subsegment).toMatchObject({ name: 'Secrets Manager: database secret', fault: true });
    expect(JSON.stringify(subsegment.cause)).toContain('throttled');
  });
});

it('runs the work untraced outside Lambda, where there is no segment', async () => {
  const env = { ...process.env };
  for (const name of Object.keys(lambdaTraceEnv(0))) Reflect.deleteProperty(process.env, name);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const untraced = fresh(() => require('./tracing-xray') as typeof import('./tracing-xray')).inSubsegment;
    const before = received.length;
    await expect(untraced('PostgreSQL', async () => 42, { sql: 'select 1' })).resolves.toBe(42);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.length).toBe(before);
  } finally {
    Object.assign(process.env, env);
  }
});

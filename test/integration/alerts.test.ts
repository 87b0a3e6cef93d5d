import { randomUUID } from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Handler } from 'aws-lambda';
import { AlertWindow } from '../../src/lib/alerts/window';
import { loopbackAwsEnv } from '../../src/local/aws-endpoints';
import { startSecretsEndpoint, type SecretsEndpoint } from '../../src/local/secrets-endpoint';
import { startBlackhole } from '../support/blackhole';
import { createAlertsTable, startDynamoDb, type LocalDynamoDb } from '../support/dynamodb';
import { lambdaContext } from '../support/events';
import { logsEvent, timeoutReport } from '../support/logs-payload';
import { motoMissing, startMoto, type Moto } from '../support/moto';
import { startReceiver, type Receiver } from '../support/receiver';
import { packageStage } from '../support/template';
import { serviceErrorLine } from '../support/service-logs';
import { fresh } from '../support/fresh';
import { serviceName } from '../support/names';

jest.setTimeout(120_000);

/**
 * The alerts function against stand-ins that speak the real protocols: AWS's DynamoDB Local for
 * the window, moto's SNS (delivering to an SQS queue the test reads) for email, a loopback Slack
 * webhook, and the local Secrets Manager endpoint for the webhook secret.
 */
const describeWithMoto = motoMissing ? describe.skip : describe;
if (motoMissing) console.warn(motoMissing);

const logGroup = `/aws/lambda/${serviceName}-dev-testContactsGet`;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const closedPort = 'http://127.0.0.1:9';

describeWithMoto('the alerts function', () => {
  let dynamodb: LocalDynamoDb;
  let moto: Moto;
  let slack: Receiver;
  let secrets: SecretsEndpoint;
  let secretsDir: string;
  let sqs: SQSClient;
  let queueUrl: string;
  let topicArn: string;
  let table = 0;
  // The stand-ins may be shared (startDynamoDb, startMoto): what this file creates is its own.
  const run = randomUUID();
  const logs: string[] = [];

  /** The handler loaded afresh, as a new container would, with `env` over the stand-ins' environment. */
  async function loadHandler(env: Record<string, string> = {}, { createTable = true } = {}) {
    table += 1;
    const tableName = `alerts-${run}-${table}`;
    if (createTable) await createAlertsTable(dynamodb.client, tableName);
    Object.assign(process.env, {
      STAGE: 'dev',
      SERVICE_NAME: serviceName,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      ALERTS_TOPIC_ARN: topicArn,
      ALERTS_TABLE: tableName,
      SLACK_WEBHOOK_SECRET_ID: 'slack-webhook',
      ALERT_WINDOW_SECONDS: '300',
      ...loopbackAwsEnv({ SECRETS_MANAGER: secrets.url, SNS: moto.url, DYNAMODB: dynamodb.url }),
      ...env,
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = fresh(() => require('../../src/handlers/alerts') as { handler: Handler });
    return (event: unknown) => handler(event, lambdaContext(`${serviceName}-dev-alerts`), () => undefined);
  }

  async function emails(): Promise<{ Subject: string; Message: string }[]> {
    const received: { Subject: string; Message: string }[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages.length) return received;
      received.push(...Messages.map((message) => JSON.parse(message.Body!)));
    }
  }

  const count = async (tableName: string, key: string) => {
    const { Item } = await dynamodb.client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } } }));
    return Number(Item?.total?.N ?? 0);
  };

  beforeAll(async () => {
    [dynamodb, moto, slack] = await Promise.all([startDynamoDb(), startMoto(), startReceiver()]);
    secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-alert-secrets-'));
    fs.writeFileSync(path.join(secretsDir, 'slack-webhook.json'), JSON.stringify({ webhookUrl: slack.url }));
    secrets = await startSecretsEndpoint(secretsDir);
    const sns = new SNSClient({ endpoint: moto.url, region: 'eu-west-1', credentials });
    sqs = new SQSClient({ endpoint: moto.url, region: 'eu-west-1', credentials });
    topicArn = (await sns.send(new CreateTopicCommand({ Name: `${serviceName}-dev-alerts-${run}` }))).TopicArn!;
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `mailbox-${run}` }))).QueueUrl!;
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));
    sns.destroy();
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => logs.push(String(chunk)) > 0);
    }
  });

  beforeEach(async () => {
    slack.bodies.length = 0;
    slack.status = 200;
    logs.length = 0;
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  });

  afterEach(() => {
    // Whatever happened, the alerts function itself never logged at ERROR.
    expect(logs.filter((line) => line.includes('"level":"ERROR"'))).toEqual([]);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    sqs?.destroy();
    await Promise.all([dynamodb?.stop(), moto?.stop(), slack?.close(), secrets?.close()]);
    fs.rmSync(secretsDir, { recursive: true, force: true });
  });

  it('groups a payload of several errors into one message per error name, by email and on Slack', async () => {
    const handler = await loadHandler();
    const lines = [
      serviceErrorLine(new TypeError('Cannot read properties of undefined'), 'req-1'),
      serviceErrorLine(new TypeError('Cannot read properties of undefined'), 'req-2'),
      timeoutReport('req-3'),
    ];
    expect(await handler(logsEvent(logGroup, lines))).toEqual({ sent: 2, suppressed: 0 });

    expect(slack.bodies.map((body) => body.text.split('\n')[0])).toEqual([
      `[${serviceName} dev] testContactsGet: TypeError (2 errors)`,
      `[${serviceName} dev] testContactsGet: Runtime.timeout (1 error)`,
    ]);
    const [typeError] = slack.bodies;
    expect(typeError.text).toContain('First: Cannot read properties of undefined');
    expect(typeError.text).toContain('Request ids: req-1, req-2');
    expect(typeError.text).toContain(
      `Log stream: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252F${serviceName}-dev-testContactsGet/log-events/`,
    );
    expect(typeError.text).toContain(`Logs Insights on /aws/lambda/${serviceName}-dev-testContactsGet: fields @timestamp`);

    const mail = await emails();
    expect(mail.map((message) => message.Subject).sort()).toEqual([
      `[${serviceName} dev] testContactsGet: Runtime.timeout`,
      `[${serviceName} dev] testContactsGet: TypeError`,
    ]);
    expect(mail.find((message) => message.Subject.endsWith('TypeError'))!.Message).toBe(typeError.text);
    const processed = logs.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"alerts processed"'));
    expect(processed.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'alerts processed', sent: 2, suppressed: 0, logGroup }),
    ]);
  });

  it('ignores CloudWatch Logs control messages', async () => {
    const handler = await loadHandler();
    const control = logsEvent('', ['CWL CONTROL MESSAGE: Checking health of destination Lambda.'], 'CONTROL_MESSAGE');
    expect(await handler(control)).toEqual({ sent: 0, suppressed: 0 });
    expect(slack.bodies).toEqual([]);
    expect(await emails()).toEqual([]);
  });

  it('rejects a malformed payload at WARN, sending nothing', async () => {
    const handler = await loadHandler();
    await expect(handler({ awslogs: { data: 'bm90IGd6aXA=' } })).rejects.toThrow();
    await expect(handler({ nothing: true })).rejects.toThrow();
    expect(slack.bodies).toEqual([]);
    expect(await emails()).toEqual([]);
    expect(logs.filter((line) => line.includes('invocation failed') && line.includes('"level":"WARN"'))).toHaveLength(2);
  });

  it('turns a burst of 1,000 identical errors in 50 concurrent payloads into one message per channel, counting all 1,000', async () => {
    const handler = await loadHandler();
    const line = serviceErrorLine(new RangeError('Invalid time value'), 'req-burst');
    const payloads = Array.from({ length: 50 }, () =>
      logsEvent(
        logGroup,
        Array.from({ length: 20 }, () => line),
      ),
    );
    const outcomes = await Promise.all(payloads.map((payload) => handler(payload)));
    expect(outcomes.reduce((sum, outcome) => sum + outcome.sent, 0 as number)).toBe(1);
    expect(outcomes.reduce((sum, outcome) => sum + outcome.suppressed, 0 as number)).toBe(980);
    expect(slack.bodies).toHaveLength(1);
    expect(await emails()).toHaveLength(1);
    expect(await count(`alerts-${run}-${table}`, 'testContactsGet#RangeError')).toBe(1000);
  });

  it('says how many were held back when the next window opens', async () => {
    const handler = await loadHandler({ ALERT_WINDOW_SECONDS: '1' });
    const line = serviceErrorLine(new RangeError('Invalid time value'), 'req-window');
    await handler(logsEvent(logGroup, [line, line]));
    await handler(logsEvent(logGroup, [line, line, line]));
    expect(slack.bodies).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await handler(logsEvent(logGroup, [line]));
    expect(slack.bodies).toHaveLength(2);
    expect(slack.bodies[1].text).toContain('Since the previous alert, 3 more of this error were counted and not sent.');
  });

  it("keeps a window's item a day past the window's end (the table's TTL), with what it sent and counted", async () => {
    const handler = await loadHandler();
    const started = Date.now();
    const line = serviceErrorLine(new SyntaxError('Unexpected token'), 'req-ttl');
    expect(await handler(logsEvent(logGroup, [line]))).toEqual({ sent: 1, suppressed: 0 });
    expect(await handler(logsEvent(logGroup, [line, line]))).toEqual({ sent: 0, suppressed: 2 });
    const { Item } = await dynamodb.client.send(
      new GetItemCommand({ TableName: `alerts-${run}-${table}`, Key: { pk: { S: 'testContactsGet#SyntaxError' } } }),
    );
    const windowEnds = Number(Item!.windowEnds!.N);
    expect(windowEnds).toBeGreaterThanOrEqual(started + 300_000);
    expect(windowEnds).toBeLessThanOrEqual(Date.now() + 300_000);
    expect(Number(Item!.expiresAt!.N)).toBe(Math.ceil(windowEnds / 1000) + 24 * 60 * 60);
    expect([Item!.sent!.N, Item!.total!.N]).toEqual(['1', '3']);
  });

  it('opens a window on a key that was only ever reopened, with nothing held back before it', async () => {
    const tableName = `alerts-${run}-window`;
    await createAlertsTable(dynamodb.client, tableName);
    const window = new AlertWindow(dynamodb.client, tableName, 300);
    await window.reopen('testContactsGet#Reopened');
    expect(await window.admit('testContactsGet#Reopened', 2)).toEqual({ send: true, suppressedBefore: 0 });
    expect(await window.admit('testContactsGet#Reopened', 1)).toEqual({ send: false, suppressedBefore: 0 });
  });

  it('still mails when Slack is down, and does not fail', async () => {
    const handler = await loadHandler();
    slack.status = 500;
    const result = await handler(logsEvent(logGroup, [serviceErrorLine(new Error('boom'), 'req-s')]));
    expect(result).toEqual({ sent: 1, suppressed: 0 });
    expect(await emails()).toHaveLength(1);
    expect(logs.some((line) => line.includes('alert delivery failed') && line.includes('"channel":"slack"'))).toBe(true);
  });

  it('still mails when the webhook secret cannot be fetched', async () => {
    const handler = await loadHandler({ SLACK_WEBHOOK_SECRET_ID: 'missing-secret' });
    await handler(logsEvent(logGroup, [serviceErrorLine(new Error('boom'), 'req-m')]));
    expect(await emails()).toHaveLength(1);
    expect(slack.bodies).toEqual([]);
  });

  it('still posts to Slack when SNS is down, and does not fail', async () => {
    const handler = await loadHandler({ AWS_ENDPOINT_URL_SNS: closedPort });
    const result = await handler(logsEvent(logGroup, [serviceErrorLine(new Error('boom'), 'req-n')]));
    expect(result).toEqual({ sent: 1, suppressed: 0 });
    expect(slack.bodies).toHaveLength(1);
    expect(logs.some((line) => line.includes('alert delivery failed') && line.includes('"channel":"email"'))).toBe(true);
  });

  it('still posts to Slack, within two bounded attempts, when SNS accepts connections and never answers', async () => {
    const hung = await startBlackhole();
    try {
      const handler = await loadHandler({ AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${hung.port}` });
      const started = Date.now();
      const result = await handler(logsEvent(logGroup, [serviceErrorLine(new Error('boom'), 'req-h')]));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result).toEqual({ sent: 1, suppressed: 0 });
      expect(slack.bodies).toHaveLength(1);
      expect(hung.accepted()).toBe(2);
    } finally {
      await hung.close();
    }
  });

  it('still sends when DynamoDB is down: a repeated alert rather than a lost one', async () => {
    const handler = await loadHandler({ AWS_ENDPOINT_URL_DYNAMODB: closedPort }, { createTable: false });
    await handler(logsEvent(logGroup, [serviceErrorLine(new Error('boom'), 'req-d')]));
    expect(slack.bodies).toHaveLength(1);
    expect(await emails()).toHaveLength(1);
  });

  it('fails when no channel delivers, and reopens the window so that the retry sends', async () => {
    const handler = await loadHandler({ AWS_ENDPOINT_URL_SNS: closedPort });
    slack.status = 500;
    const event = logsEvent(logGroup, [serviceErrorLine(new Error('boom'), 'req-r')]);
    await expect(handler(event)).rejects.toThrow(/No channel delivered/);
    slack.status = 200;
    slack.bodies.length = 0;
    expect(await handler(event)).toEqual({ sent: 1, suppressed: 0 });
    expect(slack.bodies).toHaveLength(1);
  });

  // Not in a mutation run (MUTATION_AREA, scripts/mutation.ts): its sandbox links node_modules, which the npm ls that
  // packaging runs rejects, and the bundle runs in a process of its own, which the run's mutants never reach.
  (process.env.MUTATION_AREA ? it.skip : it)(
    'works as the bundle that deploys: the packaged alerts function delivers one grouped message to each channel',
    async () => {
      const { dir } = await packageStage('dev');
      try {
        const bundle = path.join(dir, 'alerts');
        execFileSync('unzip', ['-q', '-o', path.join(dir, 'alerts.zip'), '-d', bundle]);
        const tableName = `alerts-${run}-bundle`;
        await createAlertsTable(dynamodb.client, tableName);
        const event = logsEvent(logGroup, [
          serviceErrorLine(new TypeError('bundled'), 'req-b1'),
          serviceErrorLine(new TypeError('bundled'), 'req-b2'),
        ]);
        const script = `require(${JSON.stringify(path.join(bundle, 'src/handlers/alerts.js'))}).handler(JSON.parse(process.env.EVENT), { functionVersion: '1', awsRequestId: 'a' }).then((r) => process.stdout.write(JSON.stringify(r)))`;
        // Asynchronously: the stand-ins answering it live in this process.
        const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
          env: {
            PATH: process.env.PATH,
            // The Lambda runtime provides the AWS SDK; here the project's copy stands in for it.
            NODE_PATH: path.resolve(__dirname, '../../node_modules'),
            STAGE: 'dev',
            SERVICE_NAME: serviceName,
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            ALERTS_TOPIC_ARN: topicArn,
            ALERTS_TABLE: tableName,
            SLACK_WEBHOOK_SECRET_ID: 'slack-webhook',
            ...loopbackAwsEnv({ SECRETS_MANAGER: secrets.url, SNS: moto.url, DYNAMODB: dynamodb.url }),
            EVENT: JSON.stringify(event),
          },
          timeout: 30_000,
        });
        // The function's EMF record (Powertools Metrics), then the result the probe prints.
        const lines = stdout.trim().split('\n');
        expect(JSON.parse(lines.at(-1)!)).toEqual({ sent: 1, suppressed: 0 });
        const emf = lines.map((line) => JSON.parse(line)).find((record) => record._aws);
        expect(emf).toMatchObject({ AlertsSent: 1, AlertsSuppressed: 0, service: serviceName, stage: 'dev' });
        expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('UsersApi');
        expect(slack.bodies.map((body) => body.text.split('\n')[0])).toEqual([
          `[${serviceName} dev] testContactsGet: TypeError (2 errors)`,
        ]);
        expect((await emails()).map((message) => message.Subject)).toEqual([`[${serviceName} dev] testContactsGet: TypeError`]);
        expect(await count(tableName, 'testContactsGet#TypeError')).toBe(2);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

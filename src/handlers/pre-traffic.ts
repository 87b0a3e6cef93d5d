import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { eventFunction } from '../lib/events/event-function';
import { logger } from '../lib/logger';
import { checkBeforeTraffic, type HookEvent } from '../lib/release/pre-traffic';

const clients = { codedeploy: new CodeDeployClient({}), lambda: new LambdaClient({}) };

/** CodeDeploy's BeforeAllowTraffic hook of every API function's deployment group. */
export const handler = eventFunction<HookEvent, { status: string }>(async (event) => ({
  status: await checkBeforeTraffic(event, clients, logger),
}));

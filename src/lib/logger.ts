import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config';

/** One structured JSON logger per container, shared by every module. */
export const logger = new Logger({
  serviceName: config.serviceName,
  persistentKeys: { stage: config.stage, version: config.serviceVersion },
});

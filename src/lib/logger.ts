import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config';
import { installSourceMappedStacks } from './source-mapped-stacks';

// In a bundle, this file is the bundle: its stack traces name the TypeScript sources.
installSourceMappedStacks(__filename);

/** One structured JSON logger per container, shared by every module. */
export const logger = new Logger({
  serviceName: config.serviceName,
  persistentKeys: { stage: config.stage, version: config.serviceVersion },
});

import * as z from 'zod/mini';
import { awsNamePattern } from './aws-names';
import { commaList, parseEnvironment } from './environment';

/** The service's own environment, read at cold start; every value comes from serverless `params`. */
const environmentSchema = z.object({
  // Any stage name resources/stage.js lets a deploy take: dev, staging, prod, a pull request's pr-<n>, a developer's own.
  STAGE: z._default(z.string().check(z.regex(awsNamePattern)), 'local'),
  // serverless.yml gives every function the service's name (src/api/service.ts); tools that load a module have none.
  SERVICE_NAME: z._default(z.string(), 'api'),
  SERVICE_VERSION: z._default(z.string(), '0.0.0'),
  CORS_ORIGINS: commaList,
});

export type Config = ReturnType<typeof loadConfig>;

export function loadConfig(env: NodeJS.ProcessEnv) {
  const e = parseEnvironment(environmentSchema, env, 'function configuration');
  return Object.freeze({ stage: e.STAGE, serviceName: e.SERVICE_NAME, serviceVersion: e.SERVICE_VERSION, corsOrigins: e.CORS_ORIGINS });
}

export const config = loadConfig(process.env);

import { fetchJwksDocument } from '../lib/auth/jwks-document';
import { logger } from '../lib/logger';
import { customResourceFunction } from '../lib/release/cloudformation-response';

/**
 * The `UserPoolKeys` custom resource (resources/auth.yml): on create and update it fetches the
 * user pool's JWKS and returns it as `Jwks`, which the functions that verify tokens get in their
 * environment, so they need no route to Cognito from the VPC.
 */
export const handler = customResourceFunction('user pool keys could not be fetched', async (event) => {
  const jwks = await fetchJwksDocument(String(event.ResourceProperties.JwksUri));
  logger.info('user pool keys fetched', { bytes: jwks.length });
  return { Jwks: jwks };
});

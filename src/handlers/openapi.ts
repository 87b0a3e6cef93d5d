import { contract } from '../api/contract';
import { httpRoute } from '../lib/http/route';
import { ok } from '../lib/http/responses';
import { servedContract } from '../lib/openapi/served-contract';

// The stage's domain (serverless.yml: contractEnvironment) is read once per container.
const served = servedContract(contract, process.env.API_DOMAIN_NAME);

/** GET /api/openapi.json: the API's contract, generated from its resources when the bundle is built. No token needed. */
export const handler = httpRoute({}, async () => ok(served));

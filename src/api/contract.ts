import { openApiDocumentText } from '../lib/openapi/document';
import { catalog, resourceServer } from './functions';
import { api, resources } from './registry';

/**
 * The API's contract (OpenAPI 3.1), generated from the registry's resources and the platform's
 * routes: never written by hand, never out of date. A function's bundle holds it as JSON, generated
 * when the bundle is built (scripts/contract-plugin.cjs); `npm run openapi` writes it to openapi.json.
 */
export const contractText = openApiDocumentText({ api, resources, catalog, resourceServer });
export const contract = JSON.parse(contractText) as Record<string, unknown>;

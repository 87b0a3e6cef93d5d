import { api } from '../api/service';
import { httpRoute } from '../lib/http/route';
import { docsPage, docsPageSecurityPolicy } from '../lib/openapi/docs-page';

/** GET /api/docs: the API's contract, rendered (Swagger UI, served by docsAssets). No token needed. */
export const handler = httpRoute({ contentSecurityPolicy: docsPageSecurityPolicy }, async () => docsPage(api.title));

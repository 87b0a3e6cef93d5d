import { api } from '../api/service';
import { httpRoute } from '../lib/http/route';
import { docsPage, docsPageSecurityPolicy } from '../lib/openapi/docs-page';

// The same page for every request: written once per container; each response gets headers of its own, which the
// middlewares add to.
const page = docsPage(api.title);

/** GET /api/docs: the API's contract, rendered (Swagger UI, served by docsAssets). No token needed. */
export const handler = httpRoute({ contentSecurityPolicy: docsPageSecurityPolicy }, async () => ({
  ...page,
  headers: { ...page.headers },
}));

import type { HttpResult } from '../http/responses';

/**
 * The page's policy: its own scripts and styles only (Swagger UI sets inline styles and images
 * as data: URIs), requests to this origin only (the document), and no framing.
 */
export const docsPageSecurityPolicy = Object.freeze({
  'default-src': "'none'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'connect-src': "'self'",
  // Swagger UI writes HTML through innerHTML, which Trusted Types would refuse.
  'require-trusted-types-for': '',
  'trusted-types': '',
  sandbox: false,
  'upgrade-insecure-requests': false,
});

const page = (title: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title>
    <link rel="stylesheet" href="docs/swagger-ui.css" />
  </head>
  <body>
    <div id="docs"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/start.js"></script>
  </body>
</html>
`;

/** The page that renders the contract, titled as the API is. */
export function docsPage(title: string): HttpResult {
  return { statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }, body: page(title) };
}

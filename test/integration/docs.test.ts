import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import committed from '../../openapi.json';
import { handler as docs } from '../../src/handlers/docs';
import { handler as docsAssets } from '../../src/handlers/docs-assets';
import { handler as openapi } from '../../src/handlers/openapi';
import { httpEvent, lambdaContext } from '../support/events';

/**
 * The contract's routes in process, header by header. Over HTTP and in a browser they are checked
 * by test/e2e/contract.test.ts.
 */
const get = async (fn: typeof docs, path: string, pathParameters: Record<string, string> = {}) =>
  (await fn(
    { ...httpEvent({ method: 'GET', path }), pathParameters } as Parameters<typeof docs>[0],
    lambdaContext(),
  )) as APIGatewayProxyStructuredResultV2 & {
    headers: Record<string, string>;
  };

it('serves the contract as JSON, exactly as committed', async () => {
  const reply = await get(openapi, '/api/openapi.json');
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['Content-Type']).toBe('application/json');
  expect(JSON.parse(reply.body!)).toEqual(committed);
});

it('serves the docs page with its own policy: scripts and styles from this origin only, no framing', async () => {
  const reply = await get(docs, '/api/docs');
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['Content-Type']).toBe('text/html; charset=utf-8');
  expect(reply.headers['Cache-Control']).toBe('no-cache');
  const policy = Object.fromEntries(
    reply.headers['Content-Security-Policy']!.split(';').map((directive) => {
      const [name, ...values] = directive.trim().split(' ');
      return [name, values.join(' ')];
    }),
  );
  expect(policy).toMatchObject({
    'default-src': "'none'",
    'script-src': "'self'",
    'style-src': "'self' 'unsafe-inline'",
    'img-src': "'self' data:",
    'font-src': "'self' data:",
    'connect-src': "'self'",
    'frame-ancestors': "'none'",
  });
  for (const dropped of ['sandbox', 'upgrade-insecure-requests', 'require-trusted-types-for', 'trusted-types'])
    expect(policy).not.toHaveProperty(dropped);
  expect(reply.body).toContain('<script src="docs/swagger-ui-bundle.js"></script>');
  expect(reply.body).toContain('<script src="docs/start.js"></script>');
  expect(reply.body).toContain('<link rel="stylesheet" href="docs/swagger-ui.css" />');
  expect(reply.body).toContain('<title>Users API</title>');
});

it.each([
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8', 'SwaggerUIBundle'],
  ['swagger-ui.css', 'text/css; charset=utf-8', '.swagger-ui'],
  ['start.js', 'text/javascript; charset=utf-8', "SwaggerUIBundle({ url: 'openapi.json', dom_id: '#docs', validatorUrl: null"],
])('serves %s as %s, cached for an hour', async (file, contentType, text) => {
  const reply = await get(docsAssets, `/api/docs/${file}`, { file });
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['Content-Type']).toBe(contentType);
  expect(reply.headers['Cache-Control']).toBe('public, max-age=3600');
  expect(reply.body).toContain(text);
});

it('answers 404 for any other file', async () => {
  expect((await get(docsAssets, '/api/docs/index.html', { file: 'index.html' })).statusCode).toBe(404);
});

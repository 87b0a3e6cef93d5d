import fs from 'node:fs';
import zlib from 'node:zlib';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { contract } from '../../src/api/contract';
import { handler as docs } from '../../src/handlers/docs';
import { handler as openapi } from '../../src/handlers/openapi';
import { httpEvent, lambdaContext } from '../support/events';
import { fresh } from '../support/fresh';
import { api } from '../../src/api/service';

/**
 * The contract's routes in process, header by header. Over HTTP and in a browser they are checked
 * by test/e2e/contract.test.ts.
 */
const get = async (fn: typeof docs, path: string, pathParameters: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  (await fn(
    { ...httpEvent({ method: 'GET', path, headers }), pathParameters } as Parameters<typeof docs>[0],
    lambdaContext(),
  )) as APIGatewayProxyStructuredResultV2 & {
    headers: Record<string, string>;
  };

it('serves the contract as JSON, exactly as generated', async () => {
  const reply = await get(openapi, '/api/openapi.json');
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['Content-Type']).toBe('application/json');
  expect(JSON.parse(reply.body!)).toEqual(contract);
});

it("names the stage's own domain first among the servers, where the stage has one", async () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const withDomain = fresh(() => require('../../src/handlers/openapi') as typeof import('../../src/handlers/openapi'), {
    API_DOMAIN_NAME: 'api.example.com',
  }).handler;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const reply = await get(withDomain, '/api/openapi.json');
  const served = JSON.parse(reply.body!);
  expect(served).toEqual({
    ...contract,
    servers: [{ url: 'https://api.example.com', description: "This stage's own domain" }, ...(contract.servers as object[])],
  });
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
  expect(reply.body).toContain(`<title>${api.title}</title>`);
});

/** The docs files' handler as a new container loads it, so that what its modules build at load is checked too. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadAssets = () => fresh(() => require('../../src/handlers/docs-assets') as typeof import('../../src/handlers/docs-assets')).handler;

const renderer = (file: string) => fs.readFileSync(require.resolve(`swagger-ui-dist/${file}`), 'utf8');

it.each([
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['swagger-ui.css', 'text/css; charset=utf-8'],
])(
  'serves %s as %s, Brotli-compressed to a browser and as text to a client without Brotli, cached for an hour',
  async (file, contentType) => {
    const assets = loadAssets();
    const browser = await get(assets, `/api/docs/${file}`, { file }, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(browser.statusCode).toBe(200);
    expect(browser.headers).toMatchObject({
      'Content-Type': contentType,
      'Content-Encoding': 'br',
      Vary: 'Accept-Encoding',
      'Cache-Control': 'public, max-age=3600',
    });
    expect(browser.isBase64Encoded).toBe(true);
    const compressed = Buffer.from(browser.body!, 'base64');
    expect(zlib.brotliDecompressSync(compressed).toString('utf8')).toBe(renderer(file));
    // Compressed at build time, at Brotli's best: about a fifth of the file or less.
    expect(compressed.length).toBeLessThan(renderer(file).length / 4.5);
    for (const acceptEncoding of [undefined, 'gzip, deflate', 'br;q=0, gzip', 'br;q=0.5, identity']) {
      const plain = await get(assets, `/api/docs/${file}`, { file }, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});
      expect([acceptEncoding, plain.statusCode, plain.headers['Content-Encoding'], plain.isBase64Encoded]).toEqual([
        acceptEncoding,
        200,
        undefined,
        undefined,
      ]);
      expect(plain.headers).toMatchObject({
        'Content-Type': contentType,
        Vary: 'Accept-Encoding',
        'Cache-Control': 'public, max-age=3600',
      });
      expect(plain.body).toBe(renderer(file));
    }
  },
);

it('decompresses a file once per container, however many clients take no Brotli', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fromColdStart = fresh(() => require('../../src/lib/openapi/docs-assets') as typeof import('../../src/lib/openapi/docs-assets'));
  const decompress = jest.spyOn(zlib, 'brotliDecompressSync');
  try {
    for (let i = 0; i < 3; i += 1) {
      const reply = await fromColdStart.docsAssetResponse(fromColdStart.docsAssets['swagger-ui.css']!, 'gzip');
      expect(reply.body).toBe(renderer('swagger-ui.css'));
    }
    expect(decompress).toHaveBeenCalledTimes(1);
  } finally {
    decompress.mockRestore();
  }
});

it('serves start.js, a few lines, as text whatever the client accepts', async () => {
  const assets = loadAssets();
  for (const acceptEncoding of ['br', undefined]) {
    const reply = await get(
      assets,
      '/api/docs/start.js',
      { file: 'start.js' },
      acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
    );
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['Content-Encoding']).toBeUndefined();
    expect(reply.body).toContain("SwaggerUIBundle({ url: 'openapi.json', dom_id: '#docs', validatorUrl: null");
  }
});

it('answers 404 for any other file', async () => {
  expect((await get(loadAssets(), '/api/docs/index.html', { file: 'index.html' })).statusCode).toBe(404);
});

import http from 'node:http';
import { listenOnLoopback } from '../../local/loopback-server';
import { fetchJwksDocument } from './jwks-document';

const key = { kid: 'k1', kty: 'RSA', n: 'modulus', e: 'AQAB', alg: 'RS256', use: 'sig' };

/** A loopback endpoint that answers every request with `status` and `body` (never, with `hang`). */
async function serve(status: number, body: unknown, { hang = false } = {}) {
  const server = http.createServer((_request, response) => {
    if (hang) return;
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    uri: `${url}/.well-known/jwks.json`,
    // The hanging request's connection too.
    close: async () => {
      server.closeAllConnections();
      await close();
    },
  };
}

async function fetched(status: number, body: unknown, options?: { timeoutMs: number }, hang = false) {
  const endpoint = await serve(status, body, { hang });
  try {
    return await fetchJwksDocument(endpoint.uri, options);
  } finally {
    await endpoint.close();
  }
}

describe('fetchJwksDocument', () => {
  it("keeps each key's verification fields only, so that the document fits in a function's environment", async () => {
    const document = await fetched(200, {
      keys: [
        { ...key, x5c: ['certificate'], extra: 'x'.repeat(1000) },
        { ...key, kid: 'k2', alg: undefined },
      ],
    });
    expect(JSON.parse(document)).toEqual({ keys: [key, { kid: 'k2', kty: 'RSA', n: 'modulus', e: 'AQAB', use: 'sig' }] });
  });

  it('fails with the status when the issuer does not answer 200', async () => {
    await expect(fetched(404, { keys: [key] })).rejects.toThrow(
      /^The JWKS at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json answered 404$/,
    );
  });

  it('fails when the document is not a JWKS of RSA signing keys', async () => {
    for (const body of ['<html>', { keys: [] }, { keys: [{ ...key, kty: 'EC' }] }, { keys: [{ ...key, kid: '' }] }, {}]) {
      await expect(fetched(200, body)).rejects.toThrow(
        /^The document at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/jwks\.json is not a JWKS of RSA signing keys$/,
      );
    }
  });

  it('gives up on an issuer that does not answer in time', async () => {
    const started = Date.now();
    await expect(fetched(200, { keys: [key] }, { timeoutMs: 200 }, true)).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { browserUnavailable as unavailable, launchChromium } from '../support/browser';
import { startOfflineOnTestDatabase, type OfflineOnDatabase } from '../support/offline';
import { count } from '../support/postgres';

jest.setTimeout(300_000);

/**
 * CORS as a browser enforces it, against sls offline: a page on an allowed origin reads the API's
 * answers; a page on any other origin is refused, and its preflighted writes never reach the API.
 * Headless Chromium from Debian's packages (installed when missing and the tests run as root).
 */
if (unavailable) console.warn(`${unavailable}: the browser test is skipped`);
const describeWithBrowser = unavailable ? describe.skip : describe;

/** A page server on its own loopback port, which is its own origin. */
async function pageServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describeWithBrowser('CORS in a browser against sls offline', () => {
  let local: OfflineOnDatabase;
  let browser: Browser;
  let allowed: Awaited<ReturnType<typeof pageServer>>;
  let other: Awaited<ReturnType<typeof pageServer>>;

  beforeAll(async () => {
    [allowed, other] = await Promise.all([pageServer(), pageServer()]);
    local = await startOfflineOnTestDatabase({ extraArgs: [`--param=corsOrigins=${allowed.origin}`] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([local?.stop(), allowed?.close(), other?.close()]);
  });

  /** Runs fetch() in a page of `origin`: the status and body it could read, or the error the browser raised. */
  async function fetchFrom(origin: string, path: string, init: { method?: string; body?: string } = {}) {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(
        async ({ url, method, body, authorization }) => {
          try {
            const headers: Record<string, string> = body ? { 'content-type': 'application/json', authorization } : { authorization };
            const response = await fetch(url, { method, body, headers });
            return { status: response.status, body: await response.text() };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { url: local.offline.url + path, method: init.method ?? 'GET', body: init.body, authorization: local.offline.authorization() },
      );
    } finally {
      await page.close();
    }
  }

  const users = () => count(local.database.admin, 'select count(*) as n from test_contacts');

  it('lets a page on an allowed origin read and write', async () => {
    expect(await fetchFrom(allowed.origin, '/api/health/live')).toEqual({ status: 200, body: '{"status":"ok"}' });
    const created = await fetchFrom(allowed.origin, '/api/test-contacts', {
      method: 'POST',
      body: '{"email":"browser@example.com","name":"Browser"}',
    });
    expect(created).toMatchObject({ status: 201 });
    expect(await users()).toBe(1);
  });

  it('refuses a page on another origin: it reads nothing, and its preflighted write never reaches the API', async () => {
    expect(await fetchFrom(other.origin, '/api/health/live')).toEqual({ error: 'TypeError: Failed to fetch' });
    const write = await fetchFrom(other.origin, '/api/test-contacts', {
      method: 'POST',
      body: '{"email":"intruder@example.com","name":"Intruder"}',
    });
    expect(write).toEqual({ error: 'TypeError: Failed to fetch' });
    expect(await users()).toBe(1);
  });
});

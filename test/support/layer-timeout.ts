/**
 * How long a test or hook may take, set once per layer rather than per file: the layers that start servers or
 * package allow for a cold machine under load, such as two mutation runners starting their servers at once on two
 * cores. Every server start has a deadline of its own (30 s), shorter than these, whose error names the server: a
 * hook that truly hangs fails with that message rather than jest's, which names nothing. A file that needs longer
 * says so itself. (The layer is read off the test's path: Stryker's jest runner drops a project's `globals`.)
 */
const layerTimeoutsMs: Readonly<Record<string, number>> = Object.freeze({
  integration: 60_000,
  // sls offline may take up to 90 s to start on a loaded machine (test/support/offline.ts).
  e2e: 150_000,
  // Packaging stages, several at once.
  infrastructure: 300_000,
});

const testPath = expect.getState().testPath ?? '';
// A resource's contract tests sit in its folder, and start servers as the integration layer's do.
const layer = /[\\/]src[\\/]api[\\/][^\\/]+[\\/]contract\.test\.ts$/.test(testPath)
  ? 'integration'
  : /[\\/]test[\\/](\w+)[\\/]/.exec(testPath)?.[1];
const timeoutMs = layer === undefined ? undefined : layerTimeoutsMs[layer];
if (timeoutMs) jest.setTimeout(timeoutMs);

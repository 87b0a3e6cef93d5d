/**
 * How long a test or hook of a layer may take, set once per layer in jest.config.js (`globals.layerTimeoutMs`)
 * rather than per file. The layers that start servers allow for a cold machine under load, such as two mutation
 * runners starting their servers at once on two cores. Each server start has a deadline of its own, shorter than
 * these, whose error names the server: a hook that truly hangs fails with that message, not jest's.
 */
declare const layerTimeoutMs: number | undefined;

if (typeof layerTimeoutMs === 'number') jest.setTimeout(layerTimeoutMs);

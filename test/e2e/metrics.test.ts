import { randomUUID } from 'node:crypto';
import { request, startOfflineOnTestDatabase, type OfflineOnDatabase } from '../support/offline';
import { serviceName } from '../support/names';

/** The CloudWatch embedded-metric-format records that the functions print under sls offline, as they do in AWS. */
interface EmfRecord {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

function emfRecords(output: string): EmfRecord[] {
  return output
    .split('\n')
    .map((line) => line.slice(line.indexOf('{')))
    .filter((line) => line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line) as EmfRecord);
}

/** The sum of a metric over the records of one route (a metric may be one value or a list of them). */
function total(records: EmfRecord[], route: string, metric: string): number {
  return records
    .filter((record) => record.route === route)
    .flatMap((record) => [record[metric] ?? []].flat() as number[])
    .reduce((sum, value) => sum + value, 0);
}

let local: OfflineOnDatabase;

beforeAll(async () => {
  local = await startOfflineOnTestDatabase();
});

afterAll(() => local?.stop());

it('prints, per route, the statuses, the database round trips and the 503s by cause of a scripted sequence', async () => {
  const { offline, database } = local;
  const send = (method: string, route: string, body?: string) =>
    request(offline, method, route, { body, headers: body ? { 'content-type': 'application/json' } : {} });
  const before = emfRecords(offline.output()).length;
  for (let i = 0; i < 3; i += 1) {
    const created = await send('POST', '/api/test-contacts', JSON.stringify({ email: `metric${i}@example.com`, name: `Metric ${i}` }));
    expect(created.status).toBe(201);
  }
  expect((await send('GET', `/api/test-contacts/${randomUUID()}`)).status).toBe(404);
  await database.server.stop();
  try {
    expect((await send('GET', '/api/test-contacts')).status).toBe(503);
  } finally {
    await database.start();
  }
  // The records are printed when each invocation ends; give the last one a moment to reach the output.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const records = emfRecords(offline.output()).slice(before);

  expect(total(records, 'POST /api/test-contacts', 'Status2xx')).toBe(3);
  expect(total(records, 'POST /api/test-contacts', 'Status4xx')).toBe(0);
  expect(total(records, 'GET /api/test-contacts/{id}', 'Status4xx')).toBe(1);
  expect(total(records, 'GET /api/test-contacts', 'Status5xx')).toBe(1);
  expect(total(records, 'GET /api/test-contacts', 'Unavailable503Database')).toBe(1);
  // One round trip per create, one for the unknown id; none reached the stopped database.
  expect(
    records.filter((record) => record.route === 'POST /api/test-contacts').flatMap((record) => [record.DatabaseRoundTrip ?? []].flat()),
  ).toHaveLength(3);
  expect(total(records, 'GET /api/test-contacts/{id}', 'DatabaseRoundTrip')).toBeGreaterThan(0);

  for (const record of records.filter((each) => each.route)) {
    const [directive] = record._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe('UsersApi');
    // Few, fixed dimensions: never an id, an email or a path.
    expect(directive!.Dimensions).toEqual([expect.arrayContaining(['service', 'stage', 'route'])]);
    expect(directive!.Dimensions[0]).toHaveLength(3);
    expect(record).toMatchObject({ service: serviceName, stage: 'local' });
  }
  expect(JSON.stringify(records)).not.toMatch(/metric\d@example\.com/);
});

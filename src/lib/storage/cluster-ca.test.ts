import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterCa, clusterCaFile } from './cluster-ca';

describe('the cluster CA file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-'));
  const [first, second] = ['first.pem', 'second.pem'].map((name) => path.join(dir, name)) as [string, string];
  fs.writeFileSync(first, 'FIRST');
  fs.writeFileSync(second, 'SECOND');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => delete process.env.DB_CA_FILE);

  it("is the Lambda runtime's bundle unless DB_CA_FILE names another", () => {
    expect(clusterCaFile()).toBe('/var/runtime/ca-cert.pem');
    process.env.DB_CA_FILE = '';
    expect(clusterCaFile()).toBe('/var/runtime/ca-cert.pem');
    process.env.DB_CA_FILE = first;
    expect(clusterCaFile()).toBe(first);
  });

  it('is read once per file, when a verified connection first needs it', () => {
    const read = jest.spyOn(fs, 'readFileSync');
    expect([clusterCa(first), clusterCa(first), clusterCa(second), clusterCa(second)]).toEqual(['FIRST', 'FIRST', 'SECOND', 'SECOND']);
    expect(read.mock.calls.map(([file]) => file)).toEqual([first, second]);
    read.mockRestore();
  });
});

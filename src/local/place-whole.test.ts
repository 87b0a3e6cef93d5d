import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { placeWhole } from './place-whole';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'place-whole-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (folder: string, text: string) => {
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'file'), text);
};

describe('placeWhole', () => {
  it('builds beside the target, then moves it in, leaving nothing else behind', () => {
    const target = path.join(dir, 'cache', 'tool');
    placeWhole(target, (staging) => {
      expect(path.dirname(staging)).toBe(path.dirname(target));
      expect(fs.existsSync(target)).toBe(false);
      write(staging, 'built');
    });
    expect(fs.readFileSync(path.join(target, 'file'), 'utf8')).toBe('built');
    expect(fs.readdirSync(path.dirname(target))).toEqual(['tool']);
  });

  it("keeps another process's copy that was moved in first", () => {
    const target = path.join(dir, 'tool');
    placeWhole(target, (staging) => {
      write(target, 'first');
      write(staging, 'second');
    });
    expect(fs.readFileSync(path.join(target, 'file'), 'utf8')).toBe('first');
    expect(fs.readdirSync(dir)).toEqual(['tool']);
  });

  it('leaves no target and no staging folder when the build fails, and says why', () => {
    const target = path.join(dir, 'tool');
    expect(() =>
      placeWhole(target, (staging) => {
        write(staging, 'half');
        throw new Error('registry out of reach');
      }),
    ).toThrow('registry out of reach');
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

/* eslint-disable @typescript-eslint/no-require-imports -- modules loaded afresh, in the test */
import { fresh, withEnv } from '../../test/support/fresh';
import type * as Tracing from './tracing';

/** `traced` as a bundle with TRACE_SUBSEGMENTS=`value` runs it, with the X-Ray module watched. */
function tracedWith(value: string | undefined) {
  const inSubsegment = jest.fn(async (_name: string, work: () => Promise<unknown>) => work());
  // A mock module made in an earlier test stays in the registry, and would take this test's calls.
  jest.resetModules();
  const { traced } = fresh(() => {
    jest.doMock('./tracing-xray', () => ({ inSubsegment }));
    return require('./tracing') as typeof Tracing;
  });
  return { traced: (...args: Parameters<typeof traced>) => withEnv({ TRACE_SUBSEGMENTS: value }, () => traced(...args)), inSubsegment };
}

describe('traced', () => {
  it('runs the work in a named subsegment, with its metadata, where the stage traces subsegments', async () => {
    const { traced, inSubsegment } = tracedWith('true');
    await expect(traced('users.get', async () => 42, { table: 'users' })).resolves.toBe(42);
    expect(inSubsegment).toHaveBeenCalledWith('users.get', expect.any(Function), { table: 'users' });
  });

  it.each([[undefined], ['false'], ['TRUE'], ['']])('runs the work as it is, never loading the tracer, otherwise (%s)', async (value) => {
    const { traced, inSubsegment } = tracedWith(value);
    await expect(traced('users.get', async () => 42)).resolves.toBe(42);
    await expect(traced('users.get', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(inSubsegment).not.toHaveBeenCalled();
  });
});

import { describeFailure } from './logged-failure';

describe('describeFailure', () => {
  it("reads the service logger's line: errorName, the error's message, the request id", () => {
    const line = JSON.stringify({
      level: 'ERROR',
      message: 'request failed',
      function_request_id: 'req-1',
      errorName: 'Error:ECONNRESET',
      error: { name: 'Error', message: 'socket hang up' },
    });
    expect(describeFailure(line)).toEqual({ errorName: 'Error:ECONNRESET', message: 'socket hang up', requestId: 'req-1' });
  });

  it("reads the Node.js runtime's uncaught error", () => {
    const line = JSON.stringify({
      level: 'ERROR',
      requestId: 'req-2',
      errorType: 'Runtime.ImportModuleError',
      errorMessage: 'Cannot find module',
    });
    expect(describeFailure(line)).toEqual({ errorName: 'Runtime.ImportModuleError', message: 'Cannot find module', requestId: 'req-2' });
    const nested = JSON.stringify({
      level: 'ERROR',
      requestId: 'req-5',
      message: { errorType: 'TypeError', errorMessage: 'x is undefined' },
    });
    expect(describeFailure(nested)).toEqual({ errorName: 'TypeError', message: 'x is undefined', requestId: 'req-5' });
  });

  it("reads the platform's reports: timeouts, crashes, out of memory", () => {
    const timeout = JSON.stringify({ type: 'platform.report', record: { requestId: 'req-3', status: 'timeout' } });
    expect(describeFailure(timeout)).toEqual({ errorName: 'Runtime.timeout', message: 'platform.report: timeout', requestId: 'req-3' });
    const oom = JSON.stringify({
      type: 'platform.report',
      record: { requestId: 'req-4', status: 'error', errorType: 'Runtime.OutOfMemory' },
    });
    expect(describeFailure(oom)).toMatchObject({ errorName: 'Runtime.OutOfMemory', requestId: 'req-4' });
    const init = JSON.stringify({ type: 'platform.initReport', record: { status: 'error', errorType: 'Runtime.ExitError' } });
    expect(describeFailure(init)).toEqual({ errorName: 'Runtime.ExitError', message: 'platform.initReport: error', requestId: undefined });
  });

  it("reads a platform record without a status or type as a failure, and a line of another type as the logger's", () => {
    expect(describeFailure('{"type":"platform.report","record":{"requestId":"req-6"}}')).toEqual({
      errorName: 'Runtime.failure',
      message: 'platform.report: failure',
      requestId: 'req-6',
    });
    expect(describeFailure('{"type":"audit","errorName":"Denied","error":{"message":"no"},"function_request_id":"req-7"}')).toEqual({
      errorName: 'Denied',
      message: 'no',
      requestId: 'req-7',
    });
  });

  it('keeps a line that is not JSON as text, and one without names as Error', () => {
    expect(describeFailure('  Task timed out after 10.01 seconds\n')).toEqual({
      errorName: 'UnstructuredLog',
      message: 'Task timed out after 10.01 seconds',
    });
    for (const json of ['[1,2]', '"a string"', '42', 'null', 'true']) {
      expect(describeFailure(json)).toEqual({ errorName: 'UnstructuredLog', message: json });
    }
    expect(describeFailure('{"level":"ERROR","message":"plain words"}')).toEqual({
      errorName: 'Error',
      message: 'plain words',
      requestId: undefined,
    });
    expect(describeFailure('{"level":"ERROR","errorName":"NoMessage"}')).toEqual({
      errorName: 'NoMessage',
      message: '',
      requestId: undefined,
    });
    expect(describeFailure('{"level":"ERROR","message":null}')).toEqual({ errorName: 'Error', message: 'null', requestId: undefined });
    expect(describeFailure('{"level":"ERROR","message":{"nested":true}}')).toEqual({
      errorName: 'Error',
      message: '{"nested":true}',
      requestId: undefined,
    });
  });

  it('clips long messages to 500 characters', () => {
    const { message } = describeFailure(JSON.stringify({ level: 'ERROR', message: 'x'.repeat(2000) }));
    expect(message).toHaveLength(500);
    expect(message.endsWith('…')).toBe(true);
    expect(describeFailure(JSON.stringify({ message: 'y'.repeat(500) })).message).toBe('y'.repeat(500));
  });
});

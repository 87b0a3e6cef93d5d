import { TestEnvironment } from 'jest-environment-node';
import { stopStartedProcesses } from '../../src/local/started-processes';

/**
 * Node's test environment, which stops whatever servers and builds a test file started and left running
 * when the file ends, after its own hooks, pass or fail: a hook that timed out half-way through a start
 * leaves no process behind to keep jest alive.
 */
export default class StopsWhatItStarted extends TestEnvironment {
  override async teardown(): Promise<void> {
    const left = await stopStartedProcesses(this.global, 20_000);
    if (left.length) console.warn(`stopped ${left.length} process(es) the test file left running: pid ${left.join(', ')}`);
    await super.teardown();
  }
}

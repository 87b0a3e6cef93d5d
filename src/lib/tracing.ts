/* eslint-disable @typescript-eslint/no-require-imports -- a require in a branch is what lets a bundle leave the tracer out */

/**
 * Runs `work` in an X-Ray subsegment named `name` when the stage traces subsegments
 * (`params.traceSubsegments`), and as it is otherwise. `TRACE_SUBSEGMENTS` is a constant in each
 * bundle (esbuild's `define`), so a stage that does not trace carries no tracer at all.
 */
export async function traced<T>(name: string, work: () => Promise<T>, metadata?: Record<string, unknown>): Promise<T> {
  if (process.env.TRACE_SUBSEGMENTS === 'true') {
    return (require('./tracing-xray') as typeof import('./tracing-xray')).inSubsegment(name, work, metadata);
  } else {
    return work();
  }
}

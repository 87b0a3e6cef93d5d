import { Tracer } from '@aws-lambda-powertools/tracer';
import { config } from './config';

/** One Powertools Tracer per container; outside Lambda (no trace context) it traces nothing. */
const tracer = new Tracer({ serviceName: config.serviceName });

/** Runs `work` in a subsegment of the invocation's segment: its duration, its error, and `metadata` (never a value of a request). */
export async function inSubsegment<T>(name: string, work: () => Promise<T>, metadata?: Record<string, unknown>): Promise<T> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (!parent) return work();
  const subsegment = parent.addNewSubsegment(name);
  tracer.setSegment(subsegment);
  try {
    if (metadata) for (const [key, value] of Object.entries(metadata)) subsegment.addMetadata(key, value);
    return await work();
  } catch (error) {
    subsegment.addError(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}

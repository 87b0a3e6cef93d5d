/** One failure as a log line tells it: what to group on, what to show, and which request. */
export interface LoggedFailure {
  errorName: string;
  message: string;
  requestId?: string;
}

const maxMessage = 500;
const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
const clip = (value: string) => (value.length > maxMessage ? `${value.slice(0, maxMessage - 1)}…` : value);

/** The fields the three writers use (see describeFailure). */
interface LogEntry {
  type?: unknown;
  record?: { errorType?: unknown; status?: unknown; requestId?: string };
  function_request_id?: string;
  requestId?: string;
  errorType?: unknown;
  errorMessage?: unknown;
  errorName?: unknown;
  message?: unknown;
  error?: { name?: unknown; message?: unknown };
}

function parse(line: string): LogEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the line that the subscription matched. Three writers produce them: the service's logger
 * (`errorName`, `error`), the Node.js runtime for an uncaught error (`errorType`,
 * `errorMessage`), and the Lambda platform for timeouts, crashes and out-of-memory
 * (`platform.report` and `platform.initReport` records with a status other than success).
 * Anything else is kept as text, so nothing matched is dropped.
 */
export function describeFailure(line: string): LoggedFailure {
  const entry = parse(line);
  if (!entry) return { errorName: 'UnstructuredLog', message: clip(line.trim()) };
  if (typeof entry.type === 'string' && entry.type.startsWith('platform.')) {
    const record = entry.record ?? {};
    return {
      errorName: text(record.errorType) || `Runtime.${text(record.status) || 'failure'}`,
      message: clip(`${entry.type}: ${text(record.status) || 'failure'}`),
      requestId: record.requestId,
    };
  }
  const requestId = entry.function_request_id ?? entry.requestId;
  // The runtime writes an uncaught error's fields at the top, or inside `message`.
  const uncaught = entry.errorType !== undefined ? entry : (entry.message as LogEntry | undefined);
  if (uncaught && typeof uncaught === 'object' && uncaught.errorType !== undefined) {
    return { errorName: text(uncaught.errorType), message: clip(text(uncaught.errorMessage ?? uncaught.message)), requestId };
  }
  return {
    errorName: text(entry.errorName ?? entry.error?.name) || 'Error',
    message: clip(text(entry.error?.message ?? entry.message)),
    requestId,
  };
}

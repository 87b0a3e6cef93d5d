import type { Logger } from '@aws-lambda-powertools/logger';
import { formatAlert, groupAlerts, type AlertScope, type LogsPayload } from './alert';
import type { Channel } from './channels';
import type { AlertWindow, Admission } from './window';

export interface AlertsDependencies {
  window: Pick<AlertWindow, 'admit' | 'reopen'>;
  channels: Channel[];
  scope: AlertScope;
  logger: Logger;
}

export interface AlertsOutcome {
  sent: number;
  suppressed: number;
}

/** Every channel failed: the window is reopened and the invocation fails, so Lambda retries it and the alarm fires. */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
}

/**
 * One subscription payload: its errors grouped by name, each group sent to every channel unless
 * its window is already open (then only counted). Never logs at ERROR: this function's own
 * trouble goes to WARN and to its alarm, so no path makes an alert produce another alert.
 */
export async function processPayload(payload: LogsPayload, deps: AlertsDependencies): Promise<AlertsOutcome> {
  const outcome = { sent: 0, suppressed: 0 };
  // CloudWatch Logs checks that the destination is reachable with these; they carry no log events.
  if (payload.messageType === 'CONTROL_MESSAGE') return outcome;
  for (const alert of groupAlerts(payload, deps.scope)) {
    const key = `${alert.functionName}#${alert.errorName}`;
    const admission: Admission = await deps.window.admit(key, alert.count).catch((error: Error) => {
      // Better a repeated alert than a lost one.
      deps.logger.warn('alert window unavailable; sending without it', { key, reason: error.message });
      return { send: true, suppressedBefore: 0 };
    });
    if (!admission.send) {
      outcome.suppressed += alert.count;
      continue;
    }
    const message = formatAlert(alert, deps.scope, admission.suppressedBefore);
    const results = await Promise.allSettled(deps.channels.map((channel) => channel.send(message)));
    results.forEach((result, index) => {
      if (result.status === 'rejected') {
        deps.logger.warn('alert delivery failed', {
          alertDeliveryFailed: true,
          channel: deps.channels[index]!.name,
          key,
          reason: (result.reason as Error)?.message,
        });
      }
    });
    if (results.length > 0 && results.every((result) => result.status === 'rejected')) {
      await deps.window.reopen(key).catch(() => undefined);
      throw new AlertDeliveryError(`No channel delivered the alert for ${key}`);
    }
    outcome.sent += 1;
  }
  return outcome;
}

/**
 * Structured logs. Each line carries the invocation id (the correlation id the
 * Functions host and Application Insights join on) and only the fields passed
 * here: ids, codes and counts. Never names, addresses, emails, phone numbers,
 * free text or document contents.
 */
import type { InvocationContext } from '@azure/functions';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export function logEvent(context: InvocationContext, level: LogLevel, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ event, invocationId: context.invocationId, function: context.functionName, ...fields });
  switch (level) {
    case 'debug':
      context.debug(line);
      break;
    case 'info':
      context.info(line);
      break;
    case 'warn':
      context.warn(line);
      break;
    case 'error':
      context.error(line);
      break;
  }
}

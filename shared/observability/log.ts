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

/** What an error may say in a log: its type and codes, never the data it was about. */
export function errorSummary(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const e = error as Error & { code?: unknown; statusCode?: unknown };
    return { name: e.name, message: e.message, code: e.code, statusCode: e.statusCode };
  }
  return { type: typeof error };
}

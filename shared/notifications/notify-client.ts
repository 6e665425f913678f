/**
 * GOV.UK Notify through its official client, with a time limit and Notify's errors
 * sorted into "send again later" (rate limits, server errors, no answer) and
 * "never will" (400s: a bad address or a template mismatch).
 */
import { NotifyClient } from 'notifications-node-client';
import { PermanentNotifyError, type NotifyPort } from './notifications.js';

export function govUkNotify(options: { baseUrl: string; apiKey: string; timeoutMs: number }): NotifyPort {
  const client = new NotifyClient(options.baseUrl, options.apiKey);
  return {
    async send(channel, templateId, to, personalisation, reference) {
      let timer: NodeJS.Timeout | undefined;
      // The client has no timeout of its own; an unanswered send is retried like a failed one.
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('GOV.UK Notify did not answer in time'), { code: 'ETIMEDOUT' })),
          options.timeoutMs,
        );
      });
      try {
        await Promise.race([
          channel === 'email'
            ? client.sendEmail(templateId, to, { personalisation, reference })
            : client.sendSms(templateId, to, { personalisation, reference }),
          timeout,
        ]);
      } catch (error) {
        const status = (error as { response?: { status?: number } }).response?.status;
        if (status === 400) {
          const first = (error as { response?: { data?: { errors?: { error?: string }[] } } }).response?.data
            ?.errors?.[0]?.error;
          throw new PermanentNotifyError(`GOV.UK Notify refused the ${channel}: ${first ?? 'BadRequestError'}`);
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

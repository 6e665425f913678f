/**
 * The GOV.UK Notify stand-in reads phone numbers as Notify does: written from
 * alphagov/notifications-utils@014a753 `notifications_utils/recipient_validation/phone_number.py`
 * (strip whitespace and "()-+", then stray leading zeros and the 44 prefix; a UK mobile is 7
 * and nine digits), sent through the official `notifications-node-client`.
 */
import { NotifyClient } from 'notifications-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUkMobile, startGovUkNotify, type GovUkNotifyStandIn } from '../../local/govuk-notify/server.js';

let notify: GovUkNotifyStandIn;
beforeAll(async () => {
  notify = await startGovUkNotify();
});
afterAll(() => notify.close());

describe('the GOV.UK Notify stand-in', () => {
  it.each([
    '07700 900100',
    '+44 7700 900100',
    '+44 (0)7700 900-100',
    '447700900100',
    '(07700) 900100',
    '0+447700900100',
  ])('when a text goes to %s, then it is sent, as Notify would', (number) => expect(isUkMobile(number)).toBe(true));

  it.each(['0117 496 0000', '07700 90010', '7700 900100 1', 'O7700900100', '+1 202 555 0100'])(
    'when a text goes to %s, then it is refused as not a UK mobile',
    (number) => expect(isUkMobile(number)).toBe(false),
  );

  it('when a security code text goes to a number written with a country code and brackets, then Notify answers 201 and records it', async () => {
    const client = new NotifyClient(notify.url, notify.apiKey);
    const templateId = notify.templates['contact-code']?.sms ?? '';
    await client.sendSms(templateId, '+44 (0)7700 900-100', { personalisation: { code: '12345', minutes: '30' } });
    const [sms] = notify.sent();
    expect(sms?.body).toBe('12345 is your security code to confirm this number. It expires in 30 minutes.');
    await expect(
      client.sendSms(templateId, '0117 496 0000', { personalisation: { code: '12345', minutes: '30' } }),
    ).rejects.toMatchObject({ response: { status: 400 } });
  });
});

/**
 * `npm run smoke`'s flow against the embedded stack, so that the post-deploy check the
 * platform team relies on is exercised on every test run.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runSmoke } from '../../scripts/smoke/flow.js';
import { smokePhoto } from '../../scripts/smoke/photo.js';
import { staff, tokenFor } from '../support/api.js';

const bus = new ServiceBusClient(inject('appSettings').ServiceBus ?? '');
afterAll(() => bus.close());

describe('npm run smoke', () => {
  it('when run against a working platform, then every check passes: health, token, scanned photo, Notify, partner, Pay', async () => {
    const settings = inject('appSettings');
    const lines: string[] = [];
    const result = await runSmoke({
      api: `${inject('hostUrl')}/api`,
      residentToken: () => tokenFor('smoke-resident'),
      staffToken: () => tokenFor(staff.sub, staff.roles),
      issuer: settings.OIDC_ISSUER ?? '',
      partner: { bus, backOffice: 'highways-contractor' },
      notify: { baseUrl: inject('govukNotifyUrl'), apiKey: settings.GOVUK_NOTIFY_API_KEY ?? '' },
      photo: smokePhoto(),
      stepTimeoutMs: 30_000,
      log: (line) => lines.push(line),
    });
    expect(result.notified).toBe(true);
    expect(lines.filter((l) => l.startsWith('ok '))).toHaveLength(6);
  }, 120_000);

  it('when the token comes from another issuer, then it fails and says so', async () => {
    await expect(
      runSmoke({
        api: `${inject('hostUrl')}/api`,
        residentToken: () => tokenFor('smoke-resident'),
        staffToken: () => tokenFor(staff.sub, staff.roles),
        issuer: 'https://login.example/other/v2.0',
        partner: { bus, backOffice: 'highways-contractor' },
        photo: smokePhoto(),
      }),
    ).rejects.toThrow(/token: issued by .* expected https:\/\/login\.example/);
  });
});

/**
 * #17 the staff pages with a role of their own, in a real browser: a moderator edits what
 * the public sees of a report (and the Open311 view shows it); a finance user raises a
 * refund above the approval limit, cannot approve it themselves, and a second finance user
 * approves it with JavaScript off; the platform operator sees why messages were
 * dead-lettered, replays one and discards another after a confirmation; a staff-only user
 * is refused each page. axe's WCAG 2.2 A/AA scan on every page and error state.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { partnerInboundQueue } from '../../shared/messaging/topology.js';
import { axeViolations, newContext, screenshot, signInAs } from '../support/browser.js';
import { payOnHostedPage } from '../support/payments.js';
import { waitFor } from '../support/wait.js';
import { closeWebSuite, openWebSuite, type WebSuite } from '../support/web-suite.js';

const site = inject('webUrl');
const api = inject('apiUrl');
const settings = inject('appSettings');
let suite: WebSuite;
let browser: Browser;

beforeAll(async () => {
  suite = await openWebSuite();
  ({ browser } = suite);
});
afterAll(() => closeWebSuite(suite));

const heading = (page: Page) => page.locator('h1').first().innerText();
const banner = (page: Page) => page.locator('.govuk-notification-banner').innerText();
const errorSummary = (page: Page) => page.locator('.govuk-error-summary').innerText();
const rowText = async (page: Page, key: string) =>
  (
    await page
      .locator('.govuk-summary-list__row', { has: page.locator('dt', { hasText: key }) })
      .first()
      .innerText()
  ).trim();

/** Every page and error state: a screenshot, and axe at zero violations. */
async function check(page: Page, name: string) {
  await screenshot(page, `staff-ops-${name}`);
  expect(await axeViolations(page), name).toEqual([]);
}

const residentToken = () =>
  requestDevToken(settings.OIDC_ISSUER ?? '', `ops-web-${randomUUID().slice(0, 8)}`, ['resident']);
const workforceToken = (sub: string, roles: string[]) =>
  requestDevToken(settings.WORKFORCE_OIDC_ISSUER ?? '', sub, roles);

async function apiCall(method: string, path: string, token: string, body?: unknown, headers = {}) {
  return fetch(`${api}/api/${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A new page in a fresh profile, signed in as `sub` on the way to `path`. */
async function signedIn(sub: string, path: string, javaScript = true): Promise<Page> {
  const context = await newContext(browser, javaScript);
  const page = await context.newPage();
  await page.goto(`${site}${path}`);
  await signInAs(page, sub, site);
  return page;
}

describe('staff pages for moderators, finance and the platform operator', () => {
  it('when a moderator publishes a report’s description edited, then the public view shows the edit and the history names them', async () => {
    const marker = randomUUID().slice(0, 8);
    const created = await apiCall('POST', 'requests', await residentToken(), {
      serviceCode: 'pothole',
      description: `Pothole by number 12, call Jo on 07700 900123 ${marker}`,
      location: { lat: 51.4545, long: -2.5879 },
      attributes: { where: 'road', size: 'medium' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const page = await signedIn('mo', `/staff/requests/${id}`);
    await page.getByRole('link', { name: 'Moderate what the public sees' }).click();
    expect(await heading(page)).toBe('Moderate what the public sees');
    expect(await rowText(page, 'The public sees')).toContain('Not published');
    await check(page, 'moderation');

    // Publishing it edited, with the edit emptied: an error, nothing sent.
    await page.getByLabel('Publish it edited').check();
    await page.getByLabel('Edited description (if publishing it edited)').fill('');
    await page.getByRole('button', { name: 'Save description' }).click();
    expect(await errorSummary(page)).toContain('Enter the text the public should see');
    expect(await page.title()).toMatch(/^Error: /);
    await check(page, 'moderation-error');

    const edited = `Pothole by number 12 ${marker}`;
    await page.getByLabel('Publish it edited').check();
    await page.getByLabel('Edited description (if publishing it edited)').fill(edited);
    await page.getByRole('button', { name: 'Save description' }).click();
    expect(await banner(page)).toContain('The description is published');
    expect(await rowText(page, 'The public sees')).toContain('Published, edited');
    expect(await page.locator('#moderation-history').innerText()).toMatch(/Description\s+Edited\s+mo/);
    await check(page, 'moderation-done');

    const open311 = (await (await fetch(`${api}/api/open311/v2/requests/${id}.json`)).json()) as {
      description?: string;
    }[];
    expect(open311[0]?.description).toBe(edited);
    await page.context().close();
  });

  it('when a finance user raises a refund above the limit, then they cannot approve it, and a second finance user approves it without JavaScript', async () => {
    // A street trading licence is £120: above the default approval limit of £100.
    const resident = await residentToken();
    const started = await apiCall(
      'POST',
      'payments',
      resident,
      { itemCode: 'street-trading-licence' },
      {
        'idempotency-key': randomUUID(),
      },
    );
    expect(started.status).toBe(201);
    const payment = (await started.json()) as { id: string; nextUrl: string };
    await payOnHostedPage(payment.nextUrl);
    await waitFor(
      async () =>
        ((await (await apiCall('GET', `payments/${payment.id}`, resident)).json()) as { status: string }).status ===
        'success',
      { what: 'the payment to succeed', timeout: 60_000 },
    );

    const fin = await signedIn('fin', '/staff/payments');
    expect(await heading(fin)).toBe('Find a payment');
    await check(fin, 'payments');
    await fin.getByLabel('Payment reference').fill('Jo Bloggs');
    await fin.getByRole('button', { name: 'Find payment' }).click();
    expect(await errorSummary(fin)).toContain('as it is on the receipt');
    await check(fin, 'payments-error');
    await fin.getByLabel('Payment reference').fill(payment.id);
    await fin.getByRole('button', { name: 'Find payment' }).click();
    expect(new URL(fin.url()).pathname).toBe(`/staff/payments/${payment.id}`);
    expect(await rowText(fin, 'Amount')).toContain('£120.00');
    await check(fin, 'payment');

    await fin.getByRole('button', { name: 'Refund', exact: true }).click();
    expect(await errorSummary(fin)).toContain('Enter the amount to refund');
    await check(fin, 'refund-error');
    await fin.getByLabel('Amount to refund').fill('120.00');
    await fin.getByLabel('Why is it being refunded?').fill('Licence application withdrawn');
    await fin.getByRole('button', { name: 'Refund', exact: true }).click();
    expect(await banner(fin)).toContain('waiting for a second finance user');
    expect(await fin.locator('#refunds').innerText()).toContain('Waiting for a second approver');

    // The one who asked cannot approve it (the API's rule, said in words).
    await fin.getByLabel('Approve the refund').check();
    await fin.getByRole('button', { name: 'Save decision' }).click();
    expect(await errorSummary(fin)).toContain('a different finance user must approve it');
    await check(fin, 'approval-error');
    await fin.context().close();

    const fay = await signedIn('fay', `/staff/payments/${payment.id}`, false);
    await fay.getByLabel('Approve the refund').check();
    await fay.getByRole('button', { name: 'Save decision' }).click();
    expect(await banner(fay)).toContain('Refund approved: £120.00');
    expect(await fay.locator('#refunds').innerText()).toMatch(/Asked of GOV.UK Pay|With GOV.UK Pay|Refunded/);
    await screenshot(fay, 'staff-ops-refund-approved-no-js');
    await fay.context().close();
  });

  it('when messages are dead-lettered, then the operator sees why, replays one and discards another after confirming', async () => {
    const queue = partnerInboundQueue('council-crm');
    const subject = `staff-ops-${randomUUID().slice(0, 8)}`;
    const bus = new ServiceBusClient(settings.ServiceBus ?? '');
    const sender = bus.createSender(queue);
    // Not partner messages: the partner drain dead-letters both. The text stands in for personal data.
    await sender.sendMessages([
      { messageId: `${subject}-a`, subject, body: { note: 'Flat 2, 10 Example Street' } },
      { messageId: `${subject}-b`, subject, body: { note: 'Flat 2, 10 Example Street' } },
    ]);
    await bus.close();
    const ops = await workforceToken('ops', ['operator']);
    const listed = async () =>
      (
        (await (await apiCall('GET', `operator/dead-letters/messages?entity=${queue}&max=500`, ops)).json()) as {
          items: { sequenceNumber: string; messageId?: string }[];
        }
      ).items;
    const [a, b] = await waitFor(
      async () => {
        const items = await listed();
        const found = [`${subject}-a`, `${subject}-b`].map((id) => items.find((m) => m.messageId === id));
        return found.every(Boolean) ? (found as { sequenceNumber: string }[]) : undefined;
      },
      { what: 'both messages to be dead-lettered', timeout: 60_000 },
    );

    // The operator's home is the dead letters.
    const page = await signedIn('ops', '/staff');
    expect(new URL(page.url()).pathname).toBe('/staff/dead-letters');
    expect(await heading(page)).toBe('Dead letters');
    // Counting reads every queue's dead letters: on a loaded machine Service Bus may answer too late (503, said so).
    await waitFor(
      async () => (await page.locator('#dead-letter-counts').count()) > 0 || (await page.reload().then(() => false)),
      { what: 'the dead letters to be counted', timeout: 60_000, interval: 500 },
    );
    await check(page, 'dead-letters');
    await page.locator('#dead-letter-counts').getByRole('link', { name: queue, exact: true }).click();
    expect(await heading(page)).toBe(queue);
    const link = page
      .locator('#dead-letters')
      .getByRole('link', { name: `${a?.sequenceNumber} (view message)`, exact: true });
    const row = page.locator('#dead-letters tr', {
      has: page.getByRole('link', { name: `${a?.sequenceNumber} (view message)`, exact: true }),
    });
    expect(await row.innerText()).toContain(subject);
    expect(await page.locator('#dead-letters').innerText()).not.toContain('Example Street');
    await check(page, 'dead-letter-list');

    await link.click();
    expect(await heading(page)).toBe(`Message ${a?.sequenceNumber}`);
    expect(await rowText(page, 'Reason')).not.toContain('Not given');
    await check(page, 'dead-letter');
    await page.getByRole('button', { name: `Replay to ${queue}` }).click();
    expect(await banner(page)).toContain(`Message ${a?.sequenceNumber} was sent back to ${queue}`);
    expect((await listed()).map((m) => m.sequenceNumber)).not.toContain(a?.sequenceNumber);

    // A form without the session's token is refused, as every staff POST.
    const forged = await page.request.post(
      `${site}/staff/dead-letters/messages/${b?.sequenceNumber}/discard?entity=${queue}`,
      { form: { entity: queue, csrfToken: 'forged' }, maxRedirects: 0 },
    );
    expect(forged.status()).toBe(403);

    await page.goto(`${site}/staff/dead-letters/messages/${b?.sequenceNumber}?entity=${encodeURIComponent(queue)}`);
    await page.getByRole('button', { name: 'Discard' }).click();
    expect(await heading(page)).toBe(`Are you sure you want to discard message ${b?.sequenceNumber}?`);
    await check(page, 'dead-letter-discard');
    await page.getByRole('button', { name: 'Yes, discard it' }).click();
    expect(await banner(page)).toContain(`Message ${b?.sequenceNumber} was discarded`);
    expect((await listed()).map((m) => m.sequenceNumber)).not.toContain(b?.sequenceNumber);
    await page.context().close();
  });

  it('when a staff-only user opens the refunds, moderation or dead-letter pages, then each refuses them', async () => {
    const page = await signedIn('sam', '/staff/payments');
    const refused = async (path: string) => {
      const response = await page.goto(`${site}${path}`);
      expect(response?.status(), path).toBe(403);
      expect(await heading(page)).toBe('You cannot use this page');
    };
    expect(await heading(page)).toBe('You cannot use this page');
    expect(await page.locator('main').innerText()).toContain('finance role');
    await check(page, 'role-needed');
    await refused(`/staff/payments/${randomUUID()}`);
    await refused('/staff/dead-letters');
    await refused(`/staff/requests/${randomUUID()}/moderation`);
    // Nor are their links in the menu.
    expect(await page.locator('.govuk-service-navigation').innerText()).not.toMatch(/Payments|Dead letters/);
    await page.context().close();
  });
});

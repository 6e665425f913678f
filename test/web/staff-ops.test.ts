/**
 * #17 the staff pages with a role of their own, in a real browser: a moderator edits what
 * the public sees of a report (and the Open311 view shows it); a moderator who is not staff
 * starts at the moderation queue and hides a client's photos and publishes one update
 * edited; a finance user raises a refund above the approval limit, sees it listed as theirs,
 * cannot approve it themselves, and a second finance user finds it in the list and approves
 * it with JavaScript off; the platform operator sees why messages were
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
import { aCheckedPhoto } from '../support/photos.js';
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

/**
 * The row of a refund waiting for approval on finance's list, following its next-page links
 * (other tests' refunds may wait too). The page must be showing the list's first page.
 */
async function awaitingRow(page: Page, paymentId: string) {
  for (let pages = 0; pages < 20; pages++) {
    const row = page.locator('#refunds-awaiting tr', { hasText: paymentId });
    if ((await row.count()) > 0) return row;
    const next = page.getByRole('link', { name: /Next page/ });
    if ((await next.count()) === 0) break;
    await next.click();
  }
  throw new Error(`payment ${paymentId} is not in the list of refunds waiting`);
}

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

  it('when a moderator who is not staff signs in, then their start is the moderation queue, and they hide a client’s photos and publish one update edited', async () => {
    const admin = await workforceToken('ada', ['staff', 'admin']);
    const issued = await apiCall('POST', 'admin/open311-clients', admin, { name: `Ops web ${randomUUID()}` });
    const { apiKey } = (await issued.json()) as { apiKey: string };
    const open311 = (path: string, fields: Record<string, string>) =>
      fetch(`${api}/api/open311/v2/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ api_key: apiKey, ...fields }),
      });
    const created = await open311('requests.json', {
      service_code: 'street-light-fault',
      lat: '51.4521',
      long: '-2.5960',
      description: 'Light out by the bus stop',
      'attribute[fault]': 'out',
      media_url: 'https://photos.example/light.jpg',
    });
    expect(created.status).toBe(201);
    const [{ service_request_id: id = '' } = {}] = (await created.json()) as { service_request_id?: string }[];
    const update = await open311('servicerequestupdates.json', {
      service_request_id: id,
      update_id: `ops-web-${randomUUID()}`,
      status: 'OPEN',
      description: 'Still out. Ring Jo on 07700 900123 for access',
      updated_datetime: new Date().toISOString(),
    });
    expect(update.status).toBe(201);
    const publicView = async () =>
      ((await (await fetch(`${api}/api/open311/v2/requests/${id}.json`)).json()) as Record<string, unknown>[])[0];
    expect((await publicView())?.media_url).toBe('https://photos.example/light.jpg');

    const page = await signedIn('mia', '/staff');
    expect(new URL(page.url()).pathname).toBe('/staff/moderation');
    expect(await heading(page)).toBe('Moderation');
    const menu = await page.locator('.govuk-service-navigation').innerText();
    expect(menu).toContain('Moderation');
    expect(menu).not.toContain('Triage queue');
    // Other tests' reports wait too, oldest first: each row leads to that report's moderation page.
    const first = page.locator('#moderation-queue tbody a').first();
    expect(await first.getAttribute('href')).toMatch(/^\/staff\/requests\/[0-9a-f-]{36}\/moderation$/);
    await check(page, 'moderation-queue');

    await page.goto(`${site}/staff/requests/${id}/moderation`);
    expect(await heading(page)).toBe('Moderate what the public sees');
    expect(await page.locator('#photos-summary').innerText()).toContain('hosted by the Open311 client');
    await page.getByLabel('Hide them').check();
    await page.getByRole('button', { name: 'Save photos' }).click();
    expect(await banner(page)).toContain('The photos are hidden from the public');
    expect((await publicView())?.media_url).toBeNull();

    const updateForm = page.locator('form', { has: page.locator('input[name=updateId]') });
    await updateForm.getByRole('button', { name: 'Save update' }).click();
    expect(await errorSummary(page)).toContain('Select what the public should see');
    await check(page, 'moderation-update-error');
    const edited = 'Still out.';
    await updateForm.getByLabel('Publish it edited').check();
    await updateForm.getByLabel('Edited update (if publishing it edited)').fill(edited);
    await updateForm.getByRole('button', { name: 'Save update' }).click();
    expect(await banner(page)).toContain('The update is published');
    expect(await page.locator('#moderation-history').innerText()).toMatch(/Update\s+Edited\s+mia/);
    expect(await page.locator('#moderation-history').innerText()).toMatch(/Photos\s+Hidden\s+mia/);
    await check(page, 'moderation-update-done');
    expect((await publicView())?.status_notes).toBe(edited);

    // A resident's stored photo: the moderator sees it drawn, though the documents are not theirs to read.
    const resident = await residentToken();
    const photo = await aCheckedPhoto(api, resident);
    const reported = await apiCall('POST', 'requests', resident, {
      serviceCode: 'pothole',
      description: 'Pothole by the school gate',
      location: { lat: 51.4545, long: -2.5879 },
      attributes: { where: 'road', size: 'medium' },
      photos: [photo],
    });
    expect(reported.status).toBe(201);
    const { id: withPhoto } = (await reported.json()) as { id: string };
    await page.goto(`${site}/staff/requests/${withPhoto}/moderation`);
    const drawn = page.locator('#moderation-photos img');
    await expect.poll(() => drawn.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(2);
    expect(await drawn.getAttribute('alt')).toBe('Photo 1 of 1 sent with the report');
    await check(page, 'moderation-photos');
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
    const listed = async (page: Page) => {
      await page.goto(`${site}/staff/payments`);
      return awaitingRow(page, payment.id);
    };
    // The raiser sees it in the list of refunds waiting, marked as theirs.
    expect(await (await listed(fin)).innerText()).toContain('You asked');
    await check(fin, 'payments-awaiting');
    await fin.goto(`${site}/staff/payments/${payment.id}`);

    // The one who asked cannot approve it (the API's rule, said in words).
    await fin.getByLabel('Approve the refund').check();
    await fin.getByRole('button', { name: 'Save decision' }).click();
    expect(await errorSummary(fin)).toContain('a different finance user must approve it');
    await check(fin, 'approval-error');
    await fin.context().close();

    // The second approver finds it in the list, not by a reference passed on.
    const fay = await signedIn('fay', '/staff/payments', false);
    await (await listed(fay)).getByRole('link', { name: /Approve or decline/ }).click();
    expect(new URL(fay.url()).pathname).toBe(`/staff/payments/${payment.id}`);
    await fay.getByLabel('Approve the refund').check();
    await fay.getByRole('button', { name: 'Save decision' }).click();
    expect(await banner(fay)).toContain('Refund approved: £120.00');
    expect(await fay.locator('#refunds').innerText()).toMatch(/Asked of GOV.UK Pay|With GOV.UK Pay|Refunded/);
    await screenshot(fay, 'staff-ops-refund-approved-no-js');
    await fay.goto(`${site}/staff/payments`);
    expect(await fay.locator('#refunds-awaiting tr', { hasText: payment.id }).count()).toBe(0);
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
    await refused('/staff/moderation');
    // Nor are their links in the menu.
    expect(await page.locator('.govuk-service-navigation').innerText()).not.toMatch(/Payments|Dead letters|Moderation/);
    await page.context().close();
  });
});

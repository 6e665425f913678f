/**
 * Marking the problem on the map at the location step (decision 0860), in a real
 * browser: with JavaScript, a click and then the arrow keys move the marker, each
 * move said in a live region, and the marked spot reaches check answers and the
 * filed report; a spot the map could not have given is refused with a GOV.UK
 * error; without JavaScript there is no map and the address search works as before.
 */
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { requestDevToken } from '../../local/identity/provider.js';
import { axeViolations, newContext, screenshot } from '../support/browser.js';
import { carryOnToCheck, potholeToAddresses } from '../support/journey.js';
import { browserForFile } from '../support/web-suite.js';

const site = inject('webUrl');
const api = `${inject('apiUrl')}/api`;
const browser = browserForFile();

interface Position {
  readonly lat: number;
  readonly long: number;
}

/** Metres east and north from `a` to `b` (the same flat-earth sum as the map; exact to well under a metre here). */
const metres = (a: Position, b: Position): [number, number] => [
  (b.long - a.long) * 111_320 * Math.cos((a.lat * Math.PI) / 180),
  (b.lat - a.lat) * 111_320,
];
const apart = (a: Position, b: Position) => Math.hypot(...metres(a, b));

const summary = async (page: Page) =>
  (await page.locator('.govuk-error-summary li').allInnerTexts()).map((text) => text.trim());

/** Signed in, a pothole described, on the location step with DB1 1AB's addresses listed. */
async function toAddresses(javaScript: boolean, sub: string): Promise<Page> {
  const context = await newContext(browser(), javaScript);
  const page = await context.newPage();
  await potholeToAddresses(page, { site, sub, description: 'Pothole in the middle of the lane.', postcode: 'DB1 1AB' });
  return page;
}

/** Where the server says 11 Mill Lane is (the map's own data). */
async function millLane(page: Page): Promise<Position> {
  const places = JSON.parse((await page.locator('[data-app-pick-map]').getAttribute('data-places')) ?? '[]') as (
    Position | { address: string }
  )[];
  const place = places.find((p) => 'address' in p && p.address === '11 Mill Lane, Doorstep') as Position | undefined;
  if (!place) throw new Error('11 Mill Lane is not on the map');
  return place;
}

const marked = async (page: Page): Promise<Position> => ({
  lat: Number(await page.locator('input[name=lat]').inputValue()),
  long: Number(await page.locator('input[name=long]').inputValue()),
});

describe('marking the problem on the map', () => {
  it('when a resident with JavaScript clicks the map and then moves the marker with the arrow keys, then check answers and the filed report have that spot', async () => {
    const sub = `map-pick-${Math.random().toString(36).slice(2, 8)}`;
    const page = await toAddresses(true, sub);
    const map = page.getByRole('application', { name: 'Map to mark where the problem is' });
    await map.waitFor();
    await page.getByLabel('11 Mill Lane, Doorstep').check();
    const address = await millLane(page);
    const status = page.locator('[data-pick-map-status]');
    expect(await status.textContent()).toBe('Map centred on 11 Mill Lane, Doorstep');
    expect(await axeViolations(page), 'location with the map').toEqual([]);

    // A click three quarters across and a quarter down: north-east of the address at the centre.
    await map.scrollIntoViewIfNeeded();
    const box = await map.boundingBox();
    if (!box) throw new Error('the map is not shown');
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.25);
    await expect
      .poll(() => status.textContent())
      .toMatch(/^Marker placed \d+ metres north and \d+ metres east of 11 Mill Lane, Doorstep$/);
    const clicked = await marked(page);
    const [east, north] = metres(address, clicked);
    // The map shows 150 m around the address in 140 of its 160 half-width units: a quarter across is about 86 m.
    expect(east).toBeGreaterThan(70);
    expect(east).toBeLessThan(100);
    expect(north).toBeGreaterThan(70);
    expect(north).toBeLessThan(100);

    // The arrow keys, with the map focused: 10 m a press.
    await map.focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => status.textContent()).toMatch(/^Marker moved 10 metres north, /);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => status.textContent()).toMatch(/^Marker moved 10 metres west, /);
    const moved = await marked(page);
    const [movedEast, movedNorth] = metres(clicked, moved);
    expect(Math.abs(movedEast + 10)).toBeLessThan(0.5);
    expect(Math.abs(movedNorth - 20)).toBeLessThan(0.5);
    await screenshot(page, 'map-pick-marked-js');
    expect(await axeViolations(page), 'location with the marker moved').toEqual([]);

    await page.getByRole('button', { name: 'Continue' }).click();
    await carryOnToCheck(page);
    const rows = (await page.locator('.govuk-summary-list__row').allInnerTexts()).join('\n');
    const shown = /11 Mill Lane, Doorstep \(DB1 1AB\), marked on the map at (-?[\d.]+), (-?[\d.]+)/.exec(rows);
    if (!shown) throw new Error(`check answers shows no marked spot: ${rows}`);
    expect(apart(moved, { lat: Number(shown[1]), long: Number(shown[2]) })).toBeLessThan(3);

    await page.getByRole('button', { name: 'Send report' }).click();
    const reference = (await page.locator('.govuk-panel__body strong').textContent()) ?? '';
    const token = await requestDevToken(inject('issuer'), sub, ['resident']);
    const report = (await (
      await fetch(`${api}/requests/${reference}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { location: Position & { address?: string } };
    expect(apart(moved, report.location)).toBeLessThan(3);
    expect(report.location.address).toBe('11 Mill Lane, Doorstep');
    await page.context().close();
  });

  it('when the marked spot sent is far from the address the map showed, then the step asks for it again with a GOV.UK error', async () => {
    const page = await toAddresses(true, `map-far-${Math.random().toString(36).slice(2, 8)}`);
    await page.getByRole('application', { name: 'Map to mark where the problem is' }).waitFor();
    await page.getByLabel('11 Mill Lane, Doorstep').check();
    const address = await millLane(page);
    // What no click on the map can give: about 1 km north (a tampered or stale form).
    // A hidden input's value is its value attribute (a string script: the tests have no DOM types).
    const set = (name: string, value: number) =>
      page.evaluate(`document.querySelector('input[name=${name}]').setAttribute('value', '${value.toFixed(6)}')`);
    await set('lat', address.lat + 0.009);
    await set('long', address.long);
    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await summary(page)).toEqual(['Mark the place on the map again, or continue without marking it']);
    expect(new URL(page.url()).pathname).toBe('/report/location');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await axeViolations(page), 'location, map error').toEqual([]);
    await page.context().close();
  });

  it('when a resident has no JavaScript, then there is no map and choosing an address works as before', async () => {
    const page = await toAddresses(false, `map-nojs-${Math.random().toString(36).slice(2, 8)}`);
    expect(await page.locator('[data-app-pick-map]').isHidden()).toBe(true);
    expect(await page.locator('svg, input[name=lat], input[name=long]').count()).toBe(0);
    await screenshot(page, 'map-pick-no-js');
    await page.getByLabel('11 Mill Lane, Doorstep').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await carryOnToCheck(page);
    const rows = (await page.locator('.govuk-summary-list__row').allInnerTexts()).join('\n');
    expect(rows).toContain('11 Mill Lane, Doorstep (DB1 1AB)');
    expect(rows).not.toContain('marked on the map');
    await page.context().close();
  });
});

/**
 * Steps of the resident website's report journey that several browser tests walk
 * past: after the location, "has it been reported already?" (/report/nearby, shown
 * only when open reports of the same service are near; test/web/follow.test.ts
 * covers it) and the optional photos (/report/photos; test/web/photos.test.ts).
 */
import type { Page } from 'playwright-core';
import { signInAs } from './browser.js';

export const nearbyHeading = 'Has your problem already been reported?';
export const photosHeading = 'Add photos of the problem';

const heading = async (page: Page) => ((await page.locator('h1').first().textContent()) ?? '').trim();

/**
 * Other tests' reports (the stack is shared) may be near the chosen place: report
 * anyway. Whether the step was shown.
 */
export async function carryOnPastNearby(page: Page): Promise<boolean> {
  if (new URL(page.url()).pathname !== '/report/nearby') return false;
  if ((await heading(page)) !== nearbyHeading) throw new Error(`/report/nearby shows “${await heading(page)}”`);
  await page.getByLabel('My problem is not listed: report it').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  return true;
}

/** On the photos step: add none and carry on (it must be there). */
export async function carryOnWithoutPhotos(page: Page): Promise<void> {
  const shown = await heading(page);
  if (shown !== photosHeading) throw new Error(`expected the photos step, not “${shown}”`);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** From the location step's Continue to check answers: past nearby reports (if any) and photos (none). */
export async function carryOnToCheck(page: Page): Promise<void> {
  await carryOnPastNearby(page);
  await carryOnWithoutPhotos(page);
}

/**
 * From the start of the report journey to the location step with the addresses of `postcode`
 * listed: signed in as `sub`, a pothole in the road up to a car tyre, described as `description`.
 */
export async function potholeToAddresses(
  page: Page,
  { site, sub, description, postcode }: { site: string; sub: string; description: string; postcode: string },
): Promise<void> {
  await page.goto(`${site}/report`);
  await signInAs(page, sub, site);
  await page.getByLabel('Pothole').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Road', { exact: true }).check();
  await page.getByLabel('Up to a car tyre').check();
  await page.getByLabel('Describe the problem').fill(description);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Postcode or street name').fill(postcode);
  await page.getByRole('button', { name: 'Find address' }).click();
}

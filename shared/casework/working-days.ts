/**
 * Working days for councillors' enquiry deadlines: Monday to Friday, less the bank
 * holidays of England and Wales. Dates are calendar days (`YYYY-MM-DD`); a deadline is
 * the end of its day.
 */

/**
 * England and Wales bank holidays as GOV.UK publishes them
 * (https://www.gov.uk/bank-holidays.json, division `england-and-wales`), substitute days
 * included. Extend it when GOV.UK publishes the next year: `bankHolidaysKnownThrough`
 * says how far it reaches, and a unit test fails a year before it runs out.
 */
export const englandAndWalesBankHolidays: ReadonlySet<string> = new Set([
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
]);
export const bankHolidaysKnownThrough = '2027-12-31';

const dayMs = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function isWorkingDay(date: string, holidays: ReadonlySet<string> = englandAndWalesBankHolidays): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/**
 * The date `days` working days after `date` (before it, when negative). The day itself
 * does not count: an enquiry raised on a Friday with 1 working day is due on Monday.
 */
export function addWorkingDays(
  date: string,
  days: number,
  holidays: ReadonlySet<string> = englandAndWalesBankHolidays,
): string {
  const step = days < 0 ? -dayMs : dayMs;
  let ms = Date.parse(`${date}T00:00:00Z`);
  for (let left = Math.abs(days); left > 0;) {
    ms += step;
    if (isWorkingDay(dateOf(ms), holidays)) left--;
  }
  return dateOf(ms);
}

/** A calendar day in the UK, for an instant (deadlines are set and read in council time). */
export const ukDate = (at: Date): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(at)
    .slice(0, 10);

/**
 * Working days from `from` to `to`: how many `addWorkingDays(from, n)` needs to reach
 * `to` (0 on the day, negative once it has passed). A deadline on a weekend counts as
 * the working day before it.
 */
export function workingDaysUntil(
  from: string,
  to: string,
  holidays: ReadonlySet<string> = englandAndWalesBankHolidays,
): number {
  if (from === to) return 0;
  const forward = from < to;
  const step = forward ? dayMs : -dayMs;
  let count = 0;
  for (let ms = Date.parse(`${from}T00:00:00Z`); ;) {
    ms += step;
    const date = dateOf(ms);
    if (isWorkingDay(date, holidays)) count++;
    if (date === to) return forward ? count : -count;
  }
}

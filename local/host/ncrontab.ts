/**
 * NCRONTAB schedules as Azure Functions timer triggers use them: six fields,
 * `{second} {minute} {hour} {day} {month} {day-of-week}`, each `*`, a number, a
 * range `a-b`, a list `a,b` or a step `*\/n` / `a-b/n`. Times are UTC.
 */

const ranges: [number, number][] = [
  [0, 59],
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function parseField(field: string, [min, max]: [number, number]): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let from = min;
    let to = max;
    if (range !== '*') {
      const [a, b] = range.split('-');
      from = Number(a);
      to = b === undefined ? (stepText === undefined ? from : max) : Number(b);
    }
    if (![from, to, step].every(Number.isInteger) || from < min || to > max || step < 1) {
      throw new Error(`Invalid NCRONTAB field '${field}'`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

export interface Schedule {
  next(after: Date): Date;
}

export function parseNcrontab(expression: string): Schedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`NCRONTAB needs six fields: '${expression}'`);
  const sets = fields.map((f, i) => parseField(f, ranges[i] ?? [0, 0]));
  const [sec, min, hour, day, month, dow] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  return {
    next(after) {
      const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
      // A year of seconds bounds the search; any valid schedule fires sooner.
      for (let i = 0; i < 366 * 24 * 60 * 60; i++) {
        if (!month.has(t.getUTCMonth() + 1) || !day.has(t.getUTCDate()) || !dow.has(t.getUTCDay())) {
          t.setUTCHours(24, 0, 0, 0);
          continue;
        }
        if (!hour.has(t.getUTCHours())) {
          t.setUTCMinutes(60, 0, 0);
          continue;
        }
        if (!min.has(t.getUTCMinutes())) {
          t.setUTCSeconds(60, 0);
          continue;
        }
        if (!sec.has(t.getUTCSeconds())) {
          t.setUTCSeconds(t.getUTCSeconds() + 1, 0);
          continue;
        }
        return t;
      }
      throw new Error(`NCRONTAB '${expression}' never fires`);
    },
  };
}

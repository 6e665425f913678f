/**
 * docs/personal-data.md: the record of processing a data protection officer reads
 * (shaped by UK GDPR Art. 30), generated from the data map so it cannot drift.
 */
import { lawfulBases, recipients, type DataClass } from './classification.js';
import { containersWithoutResidentData, dataMap, type AnyRecordMap } from './registry.js';
import { retentionOf, retentionTable } from './retention-hook.js';

const kinds: Readonly<Record<AnyRecordMap['kind'], string>> = {
  cosmos: 'Stored: Cosmos DB',
  blob: 'Stored: Blob Storage',
  queue: 'In transit: Service Bus queues',
  event: 'Sent: events (every subscription)',
  'work-order': 'Sent: work orders (one back office each)',
  notify: 'Sent: GOV.UK Notify',
  pay: 'Sent: GOV.UK Pay',
  open311: 'Published: Open311 and public pages',
  'open-data': 'Published: open data files',
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const sensitive: readonly DataClass[] = ['personal', 'free-text', 'home-location', 'payment'];

function section(m: AnyRecordMap): string {
  const fields = Object.entries(m.fields) as [string, { class: DataClass; note?: string }][];
  const held = [...new Set(fields.map(([, f]) => f.class).filter((c) => sensitive.includes(c)))];
  return [
    `### ${m.title}`,
    '',
    `- **Record type** (retention key): \`${m.record}\``,
    `- **Where**: ${m.where}`,
    `- **Purpose**: ${m.purpose}`,
    `- **Lawful basis**: ${m.basis.map((b) => lawfulBases[b]).join('; ')}`,
    `- **Recipients**: ${m.recipients.length === 0 ? 'none outside Doorstep' : m.recipients.map((r) => recipients[r]).join('; ')}`,
    `- **Retention**: ${retentionOf(m)}`,
    `- **Holds**: ${held.length === 0 ? 'no personal data' : held.join(', ')}`,
    '',
    '| field | class | note |',
    '| --- | --- | --- |',
    ...fields.map(([name, f]) => `| \`${name}\` | ${f.class} | ${cell(f.note ?? '')} |`),
    '',
  ].join('\n');
}

export function personalDataDocument(): string {
  const order = Object.keys(kinds) as AnyRecordMap['kind'][];
  return [
    '# Personal data in Doorstep: the record of processing',
    '',
    '<!-- Generated from the data map (shared/*/data-map.ts) by `npm run docs:personal-data`. Do not edit: a test fails when this is stale. -->',
    '',
    'The council is the controller of everything here; GOV.UK Notify, GOV.UK Pay, Microsoft Azure and the',
    'council’s contractors are its processors. This is the part of the council’s record of processing',
    '(UK GDPR Art. 30) that Doorstep holds: for each record it stores or sends, its purpose, lawful basis,',
    'recipients, retention, and every field’s class.',
    '',
    '**Classes**: `personal` identifies a resident or is about one; `free-text` was written by a person and may',
    'hold anything; `home-location` is where a resident lives (UPRN, address, coordinates of a home);',
    '`payment` is amounts, references and GOV.UK Pay ids (Doorstep never sees card details); `none` is codes,',
    'statuses, times and Doorstep’s own random ids.',
    '',
    '**What leaves, and to whom** (tested in `test/unit/data-map.test.ts`):',
    '',
    '- Events reach every subscription, so they carry only `none` fields (and, for payments, `payment` fields for',
    '  finance and the CRM): no resident id, no text, no location (decision 0911).',
    '- A work order carries what the crew needs: the problem as described and where it is. A UPRN or address only',
    '  for services at a home (e.g. a missed bin) or when no coordinates were given; never the reporter.',
    '- The public view (Open311, public pages, followers’ notifications) never names or locates a reporter: texts',
    '  only as moderated, positions of public services only, rounded to about 10 m (decision 0914).',
    '- Staff and partner reads of a resident’s data are recorded in the `audit` container (decision 0912).',
    '- Logs carry ids, codes and counts only (shared/observability/log.ts): no names, contact details, text or addresses.',
    '',
    `Containers with no resident’s data: ${containersWithoutResidentData.map((c) => `\`${c}\``).join(', ')}.`,
    '',
    ...retentionTable(dataMap),
    ...order.flatMap((kind) => {
      const maps = dataMap.filter((m) => m.kind === kind);
      return maps.length === 0 ? [] : [`## ${kinds[kind]}`, '', ...maps.map(section)];
    }),
  ].join('\n');
}

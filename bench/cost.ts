/**
 * `npm run bench:cost`: what one resident transaction costs the council in Azure.
 *
 * Each transaction runs BENCH_RUNS times (default 30) end to end on the local stack,
 * including everything it sets off afterwards (outbox, dispatch, notifications), and
 * the billable operations are counted where they happen: function executions and
 * their duration (the local host), Cosmos DB operations by kind (the Cosmos server),
 * Service Bus messages sent, delivered and settled (the emulator). Blob Storage and
 * Event Grid are not metered locally, so their operations come from the code path.
 * Prices are the dated UK South table in `bench/prices-uk-south.ts`. Timers (the
 * partner drain every 10 s, retries, the payment sweep) are a fixed monthly cost,
 * shown apart. Durations are this machine's: Azure's will differ.
 */
import { randomUUID } from 'node:crypto';
import { requestDevToken } from '../local/identity/provider.js';
import { closeBench, startBenchHost, startBenchStack } from './platform.js';
import { testCards } from '../local/govuk-pay/server.js';
import { jpegWithExif } from '../test/support/files.js';
import { assumptions, priceTable, toGbp } from './prices-uk-south.js';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const stack = await startBenchStack();
const host = await startBenchHost(stack);
const { api } = host;
const timers = new Set(host.functions.filter((f) => f.trigger.type === 'timerTrigger').map((f) => f.name));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function resident(): Promise<{ sub: string; auth: Record<string, string> }> {
  const sub = `cost-${randomUUID().slice(0, 8)}`;
  const token = await requestDevToken(stack.endpoints.identity.issuer, sub, ['resident']);
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  await fetch(`${api}/me`, { method: 'PATCH', headers: auth, body: JSON.stringify({ email: `${sub}@example.com` }) });
  return { sub, auth };
}

/** Waits until nothing is left in flight: the outbox sent, queues drained, the host idle. */
async function settle(): Promise<void> {
  let last = '';
  for (let quiet = 0; quiet < 4;) {
    await pause(300);
    // Timers and the host's own change-feed polling tick whatever happens: leave them out.
    const { host: _polling, ...cosmos } = stack.cosmos.operationsByKind();
    const fns = [...host.invocations()].filter(([name]) => !timers.has(name));
    const now = JSON.stringify([stack.serviceBus.counts(), cosmos, fns]);
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

const transactions: Record<string, (r: Awaited<ReturnType<typeof resident>>) => Promise<void>> = {
  'Report a problem with a photo': async ({ auth }) => {
    const issued = (await (
      await fetch(`${api}/uploads`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ purpose: 'photo', fileName: 'pothole.jpg', contentType: 'image/jpeg', size: 200_000 }),
      })
    ).json()) as { document: { id: string }; upload: { url: string; headers: Record<string, string> } };
    await fetch(issued.upload.url, { method: 'PUT', headers: issued.upload.headers, body: jpegWithExif(200_000) });
    for (let i = 0; i < 100; i++) {
      const doc = (await (await fetch(`${api}/documents/${issued.document.id}`, { headers: auth })).json()) as {
        status: string;
      };
      if (doc.status !== 'pending') break;
      await pause(100);
    }
    const created = await fetch(`${api}/requests`, {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': randomUUID() },
      body: JSON.stringify({
        serviceCode: 'pothole',
        description: 'Deep pothole by the school gates.',
        location: { lat: 51.4545, long: -2.5879 },
        attributes: { where: 'road', size: 'large' },
        photos: [issued.document.id],
      }),
    });
    if (created.status !== 201) throw new Error(`report: ${created.status} ${await created.text()}`);
  },
  'Pay for a garden waste bin': async ({ auth }) => {
    const created = await fetch(`${api}/payments`, {
      method: 'POST',
      headers: { ...auth, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ itemCode: 'garden-waste' }),
    });
    const payment = (await created.json()) as { id: string; nextUrl: string };
    await fetch(payment.nextUrl);
    await fetch(payment.nextUrl, {
      method: 'POST',
      body: new URLSearchParams({ card_number: testCards.success, action: 'pay' }),
      redirect: 'manual',
    });
    // The return page asks for the outcome (the webhook may come first or after).
    await fetch(`${api}/payments/${payment.id}`, { headers: auth });
  },
  'Check My Account': async ({ auth }) => {
    await fetch(`${api}/me/requests?pageSize=20`, { headers: auth });
    await fetch(`${api}/me/payments`, { headers: auth });
    await fetch(`${api}/me/documents`, { headers: auth });
  },
};

type Snapshot = ReturnType<typeof snapshot>;
function snapshot() {
  return { sb: stack.serviceBus.counts(), cosmos: stack.cosmos.operationsByKind(), fns: host.invocations() };
}

interface Row {
  name: string;
  executions: number;
  gbSeconds: number;
  changeFeedExecutions: number;
  ru: number;
  sbOperations: number;
  blobWrites: number;
  blobReads: number;
  eventGrid: number;
  photoGbYear: number;
}

function diff(before: Snapshot, after: Snapshot, name: string): Row {
  let executions = 0;
  let ms = 0;
  let changeFeedExecutions = 0;
  for (const [fn, stat] of after.fns) {
    if (timers.has(fn)) continue;
    const prev = before.fns.get(fn) ?? { count: 0, ms: 0 };
    executions += stat.count - prev.count;
    ms += stat.ms - prev.ms;
    if (fn.startsWith('outbox-') || fn === 'dispatch-requests') changeFeedExecutions += stat.count - prev.count;
  }
  const k = (kind: keyof Snapshot['cosmos']) => after.cosmos[kind] - before.cosmos[kind];
  const ru =
    k('read') * assumptions.ru.read +
    k('query') * assumptions.ru.query +
    k('write') * assumptions.ru.write +
    k('delete') * assumptions.ru.delete +
    k('batchOperation') * assumptions.ru.batchOperation +
    changeFeedExecutions * assumptions.changeFeedRuPerExecution;
  const sbOperations =
    after.sb.sent -
    before.sb.sent +
    (after.sb.delivered - before.sb.delivered) +
    (after.sb.settled - before.sb.settled);
  // From the upload path (shared/uploads): the resident's PUT and the clean copy are writes;
  // the scan-result handler reads the blob's properties and its content (If-Match on the scanned
  // eTag); Event Grid delivers Defender's one scan-result event.
  const photo = name.includes('photo');
  return {
    name,
    executions: executions / runs,
    gbSeconds: (ms / 1000 / runs) * assumptions.instanceMemoryGb,
    changeFeedExecutions: changeFeedExecutions / runs,
    ru: ru / runs,
    sbOperations: sbOperations / runs,
    blobWrites: photo ? 2 : 0,
    blobReads: photo ? 2 : 0,
    eventGrid: photo ? 1 : 0,
    photoGbYear: photo ? (assumptions.photoBytes / 1e9) * 12 : 0,
  };
}

function price(r: Row) {
  const u = priceTable.usd;
  const parts = {
    functions: (r.executions * u.functionsPerMillionExecutions) / 1e6 + r.gbSeconds * u.functionsPerGbSecond,
    cosmos: (r.ru * u.cosmosPerMillionRu) / 1e6,
    serviceBus: (r.sbOperations * u.serviceBusPerMillionOperations) / 1e6,
    storage:
      (r.blobWrites * u.blobWritePer10k) / 1e4 + (r.blobReads * u.blobReadPer10k) / 1e4 + r.photoGbYear * u.blobGbMonth,
    eventGrid: (r.eventGrid * u.eventGridPerMillion) / 1e6,
    logs: ((r.executions * assumptions.logBytesPerExecution) / 1e9) * u.logsPerGb,
  };
  return { parts, total: Object.values(parts).reduce((a, b) => a + b, 0) };
}

// Warm up every path once, so that module loading and first connections are not billed to a run.
for (const run of Object.values(transactions)) await run(await resident());
await settle();

const rows: Row[] = [];
for (const [name, run] of Object.entries(transactions)) {
  const people = await Promise.all(Array.from({ length: runs }, () => resident()));
  await settle();
  const before = snapshot();
  for (const person of people) await run(person);
  await settle();
  rows.push(diff(before, snapshot(), name));
}

/** The idle estimates in README "What it costs at idle" (Service Bus Premium is most of prod). */
const fixedProdGbp = 669;
const fixedDevGbp = 22;
const gbp = (usd: number, digits = 5) => `£${toGbp(usd).toFixed(digits)}`;
console.log(
  `\nCost per resident transaction: ${runs} runs each, ${priceTable.region} list prices as of ${priceTable.asOf} ($1 = £${priceTable.gbpPerUsd}); node ${process.version}\n`,
);
console.log('  per transaction                 executions   GB-s    RU (est)  SB ops  blob ops');
for (const r of rows)
  console.log(
    `  ${r.name.padEnd(31)} ${r.executions.toFixed(1).padStart(10)} ${r.gbSeconds.toFixed(2).padStart(6)} ${r.ru.toFixed(0).padStart(10)} ${r.sbOperations.toFixed(1).padStart(7)} ${String(r.blobWrites + r.blobReads).padStart(9)}`,
  );
console.log(
  '\n  cost per 1,000 transactions     functions  Cosmos DB  Service Bus  storage+EG   logs      total   per transaction',
);
for (const r of rows) {
  const { parts, total } = price(r);
  const k = (usd: number) => gbp(usd * 1000, 3).padStart(10);
  console.log(
    `  ${r.name.padEnd(31)} ${k(parts.functions)} ${k(parts.cosmos)} ${k(parts.serviceBus).padStart(12)} ${k(parts.storage + parts.eventGrid).padStart(11)} ${k(parts.logs).padStart(7)} ${k(total)}   ${gbp(total, 5).padStart(10)}`,
  );
}
const timerMonthly = [...host.functions.filter((f) => timers.has(f.name))].map((f) => {
  const schedule = (f.trigger as { schedule?: string }).schedule ?? '';
  const perMonth = schedule.startsWith('*/10')
    ? 259_200
    : schedule.startsWith('0 * ')
      ? 43_200
      : schedule.includes('*/5')
        ? 8_640
        : 0;
  return { name: f.name, perMonth };
});
const timerUsd = timerMonthly.reduce(
  (n, t) =>
    n +
    (t.perMonth * priceTable.usd.functionsPerMillionExecutions) / 1e6 +
    t.perMonth * 0.05 * assumptions.instanceMemoryGb * priceTable.usd.functionsPerGbSecond,
  0,
);
console.log(`
  Against the £0.15 a council says a web transaction costs today (£2.83 by phone, £8.62 face to face).
  Not included: Entra External ID (per monthly active user, 50,000 free), GOV.UK Notify (emails free; text
  messages beyond the free allowance about 2.4p each), GOV.UK Pay (no charge from GOV.UK Pay; the card
  provider's fee applies to every channel), and the fixed monthly platform (README "What it costs at idle").
  With the fixed platform spread over the month's transactions (README: prod ≈ £${fixedProdGbp}/month, dev ≈ £${fixedDevGbp}):
  ${[10_000, 100_000, 1_000_000].map((n) => `${n.toLocaleString('en-GB')} a month → prod £${(fixedProdGbp / n).toFixed(4)}, dev £${(fixedDevGbp / n).toFixed(5)} per transaction`).join('\n  ')}
  Timers, a fixed cost whatever the traffic: ${timerMonthly.map((t) => `${t.name} ${t.perMonth.toLocaleString('en-GB')}/month`).join(', ')}
  ≈ ${gbp(timerUsd, 2)} a month at ~50 ms each.
  Storage and Event Grid operations come from the upload code path (2 writes, 2 reads, 1 event per photo) and
  a ${assumptions.photoBytes / 1e6} MB photo kept a year; RU are estimates per operation kind (${Object.entries(
    assumptions.ru,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}; ${assumptions.changeFeedRuPerExecution} per change-feed execution).
`);

await closeBench(stack, host);

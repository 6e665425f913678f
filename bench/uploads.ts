/**
 * `npm run bench:uploads`: upload URL issuance throughput, and the time from the
 * start of a 5 MB photo's PUT to the document being available (checked, stripped,
 * moved), against the local host and embedded stack.
 *
 * Locally Defender for Storage and Event Grid are stood in for by the host's
 * malware-scanning stand-in (polling quarantine every 200 ms, then delivering the
 * scan-result event), which bounds the second figure from below; in Azure, Defender's
 * scan time and Event Grid's delivery latency take its place.
 */
import { requestDevToken } from '../local/identity/provider.js';
import { closeBench, startBenchHost, startBenchStack } from './platform.js';
import { jpegWithExif } from '../test/support/files.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const photos = Number(process.env.BENCH_PHOTOS ?? 10);

const stack = await startBenchStack({ seed: false });
const host = await startBenchHost(stack);
const { api } = host;
const token = await requestDevToken(stack.endpoints.identity.issuer, 'bench-uploader', ['resident']);
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

interface Issued {
  document: { id: string };
  upload: { url: string; headers: Record<string, string> };
}
const issue = async (size: number): Promise<Issued> => {
  const response = await fetch(`${api}/uploads`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ purpose: 'photo', fileName: 'photo.jpg', contentType: 'image/jpeg', size }),
  });
  if (response.status !== 201) throw new Error(`upload URL: ${response.status}`);
  return (await response.json()) as Issued;
};

// 1. Upload URL issuance.
for (let i = 0; i < 5; i++) await issue(1000);
const latencies: number[] = [];
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() - started < seconds * 1000) {
      const t = performance.now();
      await issue(1000);
      latencies.push(performance.now() - t);
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;

// 2. A 5 MB photo from PUT to available, one at a time.
const photo = jpegWithExif(5 * 1024 * 1024 - jpegWithExif().length);
const putMs: number[] = [];
const totalMs: number[] = [];
for (let i = 0; i < photos; i++) {
  const issued = await issue(photo.length);
  const t0 = performance.now();
  const put = await fetch(issued.upload.url, { method: 'PUT', headers: issued.upload.headers, body: photo });
  if (put.status !== 201) throw new Error(`PUT: ${put.status}`);
  putMs.push(performance.now() - t0);
  for (;;) {
    const view = (await (await fetch(`${api}/documents/${issued.document.id}`, { headers })).json()) as {
      status: string;
    };
    if (view.status === 'available') break;
    if (view.status === 'rejected') throw new Error('rejected');
    await new Promise((r) => setTimeout(r, 10));
  }
  totalMs.push(performance.now() - t0);
}

console.log(`\nUploads benchmark (node ${process.version}, local host + Azurite)\n`);
console.log(
  `  upload URL issuance: ${concurrency} clients for ${seconds} s: ${(latencies.length / elapsed).toFixed(0)} req/s, p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`,
);
console.log(
  `  5 MB photo (${photos} runs): PUT p50 ${pct(putMs, 50).toFixed(0)} ms; PUT start -> available p50 ${pct(totalMs, 50).toFixed(0)} ms, max ${Math.max(...totalMs).toFixed(0)} ms`,
);
console.log(
  '  (local scan results come from the scanner stand-in, a 200 ms quarantine poll; Defender and Event Grid take its place in Azure)',
);

await closeBench(stack, host);
process.exit(0);

/**
 * The upload scan flow with the test playing Defender for Storage: its own stack with
 * `UPLOAD_SCANNER=defender` (so the local stand-in stays idle), scan results delivered
 * to `scan-upload` through the host's Event Grid webhook in the shape Microsoft documents
 * ("Event message structure", MicrosoftDocs/azure-docs,
 * articles/defender-for-cloud/defender-for-storage-configure-malware-scan.md at
 * 06482e52fd52041054d0b269991e270067591c7e).
 */
import { CosmosClient } from '@azure/cosmos';
import { BlobServiceClient } from '@azure/storage-blob';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorKey } from '../../local/cosmos.js';
import { requestDevToken } from '../../local/identity/provider.js';
import { documentContainers } from '../../shared/data/blob-containers.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { eicarPdf, pdf } from '../support/files.js';

let platform: TestPlatform | undefined;
let token: string;
let blobService: BlobServiceClient;

beforeAll(async () => {
  platform = await startTestPlatform(join(import.meta.dirname, '../../functions/index.ts'), {
    UPLOAD_SCANNER: 'defender',
  });
  token = await requestDevToken(started().stack.endpoints.identity.issuer, 'scan-tester', ['resident']);
  blobService = BlobServiceClient.fromConnectionString(started().stack.endpoints.blob.connectionString);
});
afterAll(async () => {
  await platform?.close();
});
const started = () => {
  if (!platform) throw new Error('the platform did not start');
  return platform;
};

const api = (path: string, init: { method?: string; body?: string } = {}) =>
  fetch(`${started().host.url}/api/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });

interface Issued {
  document: { id: string };
  upload: { url: string; headers: Record<string, string> };
}

async function issueEvidence(bytes: Buffer): Promise<Issued> {
  const response = await api('uploads', {
    method: 'POST',
    body: JSON.stringify({
      purpose: 'evidence',
      fileName: 'letter.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
    }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Issued;
}

const put = (issued: Issued, bytes: Buffer) =>
  fetch(issued.upload.url, { method: 'PUT', headers: issued.upload.headers, body: bytes });

const quarantineBlob = (id: string) =>
  blobService.getContainerClient(documentContainers.quarantine).getBlockBlobClient(`evidence/${id}`);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').toUpperCase();

/** What Defender publishes after scanning one version of a blob. */
function scanResult(id: string, eTag: string, scanResultType: string, sha?: string) {
  const correlationId = randomUUID();
  return {
    id: correlationId,
    subject: `storageAccounts/devstoreaccount1/containers/quarantine/blobs/evidence/${id}`,
    data: {
      correlationId,
      blobUri: quarantineBlob(id).url,
      eTag: eTag.replace(/"/g, ''),
      scanFinishedTimeUtc: new Date().toISOString(),
      scanResultType,
      scanResultDetails: { malwareNamesFound: [], ...(sha ? { sha256: sha } : {}) },
    },
    eventType: 'Microsoft.Security.MalwareScanningResult',
    dataVersion: '1.0',
    metadataVersion: '1',
    eventTime: new Date().toISOString(),
    topic: '/subscriptions/x/resourceGroups/x/providers/Microsoft.EventGrid/topics/malware-scan-results',
  };
}

const deliver = (event: unknown) =>
  fetch(`${started().host.url}/runtime/webhooks/EventGrid?functionName=scan-upload`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' },
    body: JSON.stringify([event]),
  });

const view = async (id: string) =>
  (await (await api(`documents/${id}`)).json()) as { status: string; rejection?: { reason: string } };

const stored = (id: string) =>
  blobService.getContainerClient(documentContainers.documents).getBlobClient(`evidence/${id}`);

describe('scan-upload, driven by the malware scan result event', () => {
  it('when a clean result names the uploaded version, then an overwrite through the link fails and documents hold exactly the scanned bytes', async () => {
    const scanned = pdf();
    const issued = await issueEvidence(scanned);
    expect((await put(issued, scanned)).status).toBe(201);
    const { etag } = await quarantineBlob(issued.document.id).getProperties();
    // Defender has scanned this version clean; before the copy, the link tries to swap the bytes.
    const swapped = Buffer.concat([pdf(), eicarPdf()]);
    expect((await put(issued, swapped)).status).toBe(403);
    const response = await deliver(scanResult(issued.document.id, etag ?? '', 'No threats found', sha256(scanned)));
    expect(response.status).toBe(202);
    expect(await view(issued.document.id)).toMatchObject({ status: 'available' });
    expect(await stored(issued.document.id).downloadToBuffer()).toEqual(scanned);
  });

  it('when the blob changed after its scan, then the clean result is not applied and nothing reaches documents; the new version gets its own result', async () => {
    const issued = await issueEvidence(pdf());
    expect((await put(issued, pdf())).status).toBe(201);
    const { etag: scannedEtag } = await quarantineBlob(issued.document.id).getProperties();
    // Rewritten by something other than the link (the link itself cannot), after the scan.
    const rewritten = await quarantineBlob(issued.document.id).upload(eicarPdf(), eicarPdf().length);
    expect((await deliver(scanResult(issued.document.id, scannedEtag ?? '', 'No threats found'))).status).toBe(202);
    expect(await view(issued.document.id)).toMatchObject({ status: 'pending' });
    expect(await stored(issued.document.id).exists()).toBe(false);
    expect(await quarantineBlob(issued.document.id).exists()).toBe(true);

    expect((await deliver(scanResult(issued.document.id, rewritten.etag ?? '', 'Malicious'))).status).toBe(202);
    expect(await view(issued.document.id)).toMatchObject({ status: 'rejected', rejection: { reason: 'malware' } });
    expect(await stored(issued.document.id).exists()).toBe(false);
    expect(await quarantineBlob(issued.document.id).exists()).toBe(false);
  });

  it('when the scanner’s SHA-256 is not that of the bytes read, then nothing is copied', async () => {
    const issued = await issueEvidence(pdf());
    expect((await put(issued, pdf())).status).toBe(201);
    const { etag } = await quarantineBlob(issued.document.id).getProperties();
    const other = sha256(eicarPdf());
    expect((await deliver(scanResult(issued.document.id, etag ?? '', 'No threats found', other))).status).toBe(202);
    expect(await view(issued.document.id)).toMatchObject({ status: 'pending' });
    expect(await stored(issued.document.id).exists()).toBe(false);
  });

  it('when Defender reports a scan error, then the document is rejected as unscanned and its blob deleted', async () => {
    const issued = await issueEvidence(pdf());
    expect((await put(issued, pdf())).status).toBe(201);
    const { etag } = await quarantineBlob(issued.document.id).getProperties();
    const error = 'SAM259201: "Scan failed - internal service error."';
    expect((await deliver(scanResult(issued.document.id, etag ?? '', error))).status).toBe(202);
    expect(await view(issued.document.id)).toMatchObject({ status: 'rejected', rejection: { reason: 'unscanned' } });
    expect(await quarantineBlob(issued.document.id).exists()).toBe(false);
  });

  it('when an event is not a scan result, then it changes nothing and is not retried', async () => {
    const issued = await issueEvidence(pdf());
    expect((await put(issued, pdf())).status).toBe(201);
    const blobCreated = {
      id: randomUUID(),
      eventType: 'Microsoft.Storage.BlobCreated',
      subject: `/blobServices/default/containers/quarantine/blobs/evidence/${issued.document.id}`,
      data: { url: quarantineBlob(issued.document.id).url },
    };
    expect((await deliver(blobCreated)).status).toBe(202);
    expect(await view(issued.document.id)).toMatchObject({ status: 'pending' });
  });
});

describe('uploads-sweep', () => {
  it('when an upload never finished an hour after its link expired, then the sweep rejects it and deletes the blocks staged for it', async () => {
    const issued = await issueEvidence(pdf());
    const blob = quarantineBlob(issued.document.id);
    // Blocks staged and never committed: what a link that may stage blocks would leave behind.
    await blob.stageBlock(Buffer.from('AAAA').toString('base64'), pdf(), pdf().length);
    expect((await blob.getBlockList('uncommitted')).uncommittedBlocks).toHaveLength(1);
    const cosmos = new CosmosClient({
      endpoint: started().stack.endpoints.cosmos.endpoint,
      key: emulatorKey,
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const item = cosmos.database('doorstep').container('documents').item(issued.document.id, issued.document.id);
    const { resource } = await item.read<Record<string, unknown>>();
    await item.replace({ ...resource, uploadExpiresAt: new Date(Date.now() - 2 * 60 * 60_000).toISOString() });
    cosmos.dispose();

    expect((await fetch(`${started().host.url}/admin/functions/uploads-sweep`, { method: 'POST' })).status).toBe(202);
    expect(await view(issued.document.id)).toMatchObject({ status: 'rejected', rejection: { reason: 'expired' } });
    await expect(blob.getBlockList('all')).rejects.toMatchObject({ statusCode: 404 });
  });
});

import { BlobServiceClient } from '@azure/storage-blob';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { azureUploadBlobs } from '../../shared/uploads/blob-store.js';
import { aServiceRequest, call, staff } from '../support/api.js';
import { eicarPdf, jpegWithExif, pdf, pngWithText } from '../support/files.js';
import { waitFor } from '../support/wait.js';

interface Issued {
  document: { id: string; status: string };
  upload: { url: string; method: string; headers: Record<string, string>; expiresAt: string };
}
interface DocView {
  status: string;
  rejection?: { reason: string };
  size: number;
}

const resident = () => `resident-${randomUUID().slice(0, 8)}`;

async function issue(as: string, body: Record<string, unknown>) {
  const response = await call('POST', 'uploads', { as, body });
  return { response, body: (await response.json()) as Issued & { errors?: { pointer: string }[] } };
}

const put = (upload: Issued['upload'], bytes: Buffer) =>
  fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });

const settled = (as: string, id: string): Promise<DocView> =>
  waitFor(
    async () => {
      const view = (await (await call('GET', `documents/${id}`, { as })).json()) as DocView;
      return view.status !== 'pending' ? view : undefined;
    },
    { what: `document ${id} to be checked` },
  );

async function upload(as: string, purpose: string, contentType: string, bytes: Buffer, declaredSize = bytes.length) {
  const { body } = await issue(as, { purpose, fileName: 'pothole.jpg', contentType, size: declaredSize });
  expect((await put(body.upload, bytes)).status).toBe(201);
  return { id: body.document.id, upload: body.upload, view: await settled(as, body.document.id) };
}

async function download(as: string, id: string): Promise<Buffer> {
  const redirect = await call('GET', `documents/${id}/content`, { as, headers: {} });
  expect(redirect.status).toBe(200); // fetch follows the 302 to the short-lived read URL
  return Buffer.from(await redirect.arrayBuffer());
}

describe('POST /api/uploads', () => {
  it('issues a create-only upload URL into quarantine and records the document as pending', async () => {
    const who = resident();
    const { response, body } = await issue(who, {
      purpose: 'photo',
      fileName: 'IMG_0042.jpg',
      contentType: 'image/jpeg',
      size: 2048,
    });
    expect(response.status).toBe(201);
    expect(body.document.status).toBe('pending');
    expect(body.upload).toMatchObject({
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'image/jpeg' },
    });
    const url = new URL(body.upload.url);
    expect(url.pathname).toMatch(new RegExp(`/quarantine/photo/${body.document.id}$`));
    expect(url.searchParams.get('sp')).toBe('c');
    expect(Date.parse(url.searchParams.get('se') ?? '') - Date.now()).toBeLessThanOrEqual(10 * 60_000 + 5000);
  });

  it('refuses oversized, wrong-type, empty and path-trick declarations with 422 and stores nothing', async () => {
    const who = resident();
    const cases: [Record<string, unknown>, string][] = [
      [{ purpose: 'photo', fileName: 'a.jpg', contentType: 'image/jpeg', size: 10 * 1024 * 1024 + 1 }, '/size'],
      [{ purpose: 'photo', fileName: 'a.pdf', contentType: 'application/pdf', size: 100 }, '/contentType'],
      [{ purpose: 'photo', fileName: 'a.gif', contentType: 'image/gif', size: 100 }, '/contentType'],
      [{ purpose: 'photo', fileName: 'a.heic', contentType: 'image/heic', size: 100 }, '/contentType'],
      [{ purpose: 'evidence', fileName: 'a.pdf', contentType: 'application/pdf', size: 0 }, '/size'],
      [{ purpose: 'evidence', fileName: '../../etc/passwd', contentType: 'application/pdf', size: 10 }, '/fileName'],
      [{ purpose: 'evidence', fileName: 'C:\\Windows\\x.pdf', contentType: 'application/pdf', size: 10 }, '/fileName'],
      [{ purpose: 'evidence', fileName: '..', contentType: 'application/pdf', size: 10 }, '/fileName'],
    ];
    for (const [body, pointer] of cases) {
      const { response, body: problem } = await issue(who, body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(problem.errors?.map((e) => e.pointer)).toContain(pointer);
    }
    const mine = (await (await call('GET', 'me/documents', { as: who })).json()) as { items: unknown[] };
    expect(mine.items).toHaveLength(0);
  });
});

describe('after the bytes land', () => {
  it('makes a clean photo available with its Exif and comments stripped, only to its owner and staff', async () => {
    const who = resident();
    const { id, view } = await upload(who, 'photo', 'image/jpeg', jpegWithExif());
    expect(view.status).toBe('available');
    const bytes = await download(who, id);
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(bytes.includes(Buffer.from('GPSLatitude'))).toBe(false);
    expect(bytes.includes(Buffer.from('Acacia'))).toBe(false);
    expect((await call('GET', `documents/${id}`, { as: resident() })).status).toBe(404);
    expect((await call('GET', `documents/${id}/content`, { as: resident() })).status).toBe(404);
    expect((await call('GET', `documents/${id}`, { as: staff })).status).toBe(200);
    const mine = (await (await call('GET', 'me/documents', { as: who })).json()) as {
      items: { id: string; status: string }[];
    };
    expect(mine.items).toEqual([expect.objectContaining({ id, status: 'available' })]);
  });

  it('strips text from PNGs and keeps PDFs as they are', async () => {
    const who = resident();
    const png = await upload(who, 'photo', 'image/png', pngWithText());
    expect(png.view.status).toBe('available');
    expect((await download(who, png.id)).includes(Buffer.from('Acacia'))).toBe(false);
    const doc = await upload(who, 'evidence', 'application/pdf', pdf());
    expect(doc.view.status).toBe('available');
    expect(await download(who, doc.id)).toEqual(pdf());
  });

  it('rejects EICAR, mismatched magic bytes, empty and oversized files, and never serves them', async () => {
    const who = resident();
    const outcomes = await Promise.all([
      upload(who, 'evidence', 'application/pdf', eicarPdf()),
      upload(who, 'photo', 'image/png', jpegWithExif()),
      upload(who, 'evidence', 'application/pdf', Buffer.alloc(0), 10),
      upload(who, 'photo', 'image/jpeg', jpegWithExif(10 * 1024 * 1024), 5000),
    ]);
    expect(outcomes.map((o) => o.view.rejection?.reason)).toEqual(['malware', 'type-mismatch', 'empty', 'too-large']);
    for (const o of outcomes) {
      expect(o.view.status).toBe('rejected');
      const content = await call('GET', `documents/${o.id}/content`, { as: who });
      expect(content.status).toBe(409);
    }
    const quarantine = BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? '').getContainerClient(
      'quarantine',
    );
    for (const o of outcomes) {
      const blobName = new URL(o.upload.url).pathname.split('/quarantine/')[1] ?? '';
      expect(blobName).toMatch(/^(photo|evidence)\//);
      expect(await quarantine.getBlobClient(blobName).exists()).toBe(false);
    }
  });

  it('ignores a second upload to the same URL after the first was checked', async () => {
    const who = resident();
    const first = await upload(who, 'evidence', 'application/pdf', pdf());
    expect(first.view.status).toBe('available');
    const quarantine = BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? '').getContainerClient(
      'quarantine',
    );
    const blob = quarantine.getBlobClient(`evidence/${first.id}`);
    // "Checked" ends when the scanned copy has left quarantine (after the document is marked
    // available): only then can the create-only link make the blob again.
    await waitFor(async () => !(await blob.exists()), { what: 'the first upload to leave quarantine' });
    expect((await put(first.upload, eicarPdf())).status).toBe(201);
    await waitFor(async () => !(await blob.exists()), { what: 'the second upload to be deleted unseen' });
    expect(await blob.exists()).toBe(false);
    expect(await download(who, first.id)).toEqual(pdf());
    expect((await settled(who, first.id)).status).toBe('available');
  });

  it('when a link has created its blob, then it can neither overwrite it nor stage or commit blocks', async () => {
    // A private container pair: the shared stack's scanner stand-in would act on quarantine.
    const service = BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? '');
    const containers = { quarantine: `q-${randomUUID()}`, documents: `d-${randomUUID()}` };
    await service.getContainerClient(containers.quarantine).create();
    const blobs = azureUploadBlobs(service, 'account-key', containers);
    const name = `evidence/${randomUUID()}`;
    const url = await blobs.uploadUrl(name, 'application/pdf', new Date(Date.now() + 60_000));
    expect(new URL(url).searchParams.get('sp')).toBe('c');
    const headers = { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/pdf' };
    expect((await fetch(url, { method: 'PUT', headers, body: pdf() })).status).toBe(201);
    expect((await fetch(url, { method: 'PUT', headers, body: eicarPdf() })).status).toBe(403);
    const blockId = Buffer.from('block-0').toString('base64');
    const block = await fetch(`${url}&comp=block&blockid=${encodeURIComponent(blockId)}`, {
      method: 'PUT',
      body: eicarPdf(),
    });
    expect(block.status).toBe(403);
    const list = await fetch(`${url}&comp=blocklist`, {
      method: 'PUT',
      body: `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${blockId}</Latest></BlockList>`,
    });
    expect(list.status).toBe(403);
    const blob = service.getContainerClient(containers.quarantine).getBlobClient(name);
    expect(await blob.downloadToBuffer()).toEqual(pdf());
    await service.getContainerClient(containers.quarantine).delete();
  });

  it('when blocks were staged and never committed, then the sweep’s listing of quarantine sees them', async () => {
    const service = BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? '');
    const containers = { quarantine: `q-${randomUUID()}`, documents: `d-${randomUUID()}` };
    await service.getContainerClient(containers.quarantine).create();
    const blobs = azureUploadBlobs(service, 'account-key', containers);
    const name = `photo/${randomUUID()}`;
    const staged = service.getContainerClient(containers.quarantine).getBlockBlobClient(name);
    await staged.stageBlock(Buffer.from('b0').toString('base64'), pdf(), pdf().length);
    expect(await blobs.staleQuarantine(new Date(Date.now() + 60_000), 10)).toEqual([name]);
    expect(await blobs.staleQuarantine(new Date(Date.now() - 60 * 60_000), 10)).toEqual([]);
    await blobs.deleteQuarantine(name);
    await expect(staged.getBlockList('all')).rejects.toMatchObject({ statusCode: 404 });
    await service.getContainerClient(containers.quarantine).delete();
  });

  it('refuses a PUT with an expired upload URL', async () => {
    const blobs = azureUploadBlobs(
      BlobServiceClient.fromConnectionString(inject('appSettings').Storage ?? ''),
      'account-key',
    );
    const url = await blobs.uploadUrl(`photo/${randomUUID()}`, 'image/jpeg', new Date(Date.now() - 60_000));
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'image/jpeg' },
      body: jpegWithExif(),
    });
    expect(response.status).toBe(403);
  });
});

describe('browsers on the front ends (CORS on the documents account)', () => {
  const preflight = async (origin: string) => {
    const { body } = await issue(resident(), {
      purpose: 'photo',
      fileName: 'a.jpg',
      contentType: 'image/jpeg',
      size: 100,
    });
    return fetch(body.upload.url, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-ms-blob-type',
      },
    });
  };

  it('when a configured front-end origin asks to PUT to an upload link, then the preflight allows exactly that origin', async () => {
    const origin = inject('appSettings').WEB_ORIGINS?.split(',')[0] ?? '';
    expect(origin).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):/);
    const response = await preflight(origin);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('when any other origin asks, then the preflight is refused', async () => {
    const response = await preflight('https://attacker.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('photos on service requests', () => {
  it('attaches the reporter’s own checked photo and shows it to Open311 clients only as the stripped copy', async () => {
    const who = resident();
    const photo = await upload(who, 'photo', 'image/jpeg', jpegWithExif());
    const created = await call('POST', 'requests', { as: who, body: aServiceRequest({ photos: [photo.id] }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const [open311] = (await (await fetch(`${inject('hostUrl')}/api/open311/v2/requests/${id}.json`)).json()) as {
      media_url: string;
    }[];
    expect(open311?.media_url).toMatch(new RegExp(`/api/media/requests/${id}/photos/0$`));
    const media = await fetch(open311?.media_url ?? '');
    expect(media.status).toBe(200);
    expect(Buffer.from(await media.arrayBuffer()).includes(Buffer.from('GPSLatitude'))).toBe(false);
  });

  it('refuses someone else’s photo, a rejected one, or an unknown id', async () => {
    const owner = resident();
    const theirs = await upload(owner, 'photo', 'image/jpeg', jpegWithExif());
    const who = resident();
    const bad = await upload(who, 'photo', 'image/png', jpegWithExif());
    const response = await call('POST', 'requests', {
      as: who,
      body: aServiceRequest({ photos: [theirs.id, bad.id, randomUUID()] }),
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { pointer: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/photos/0', '/photos/1', '/photos/2']);
  });
});

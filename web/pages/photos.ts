/**
 * The report journey's "add photos" step (optional, up to the API's limit), and
 * the photos on the pages after it. The step keeps its own state in the
 * session (`journeys['report-photos']`, tied to the report journey's key), so
 * the journey itself only links to it and reads `reportPhotos` when it files.
 */
import { z } from 'zod';
import { documentItem, documentsOf, maxReportPhotos, uploadRules, type DocumentItem } from '../api/uploads.js';
import type { PageHandler, PageRequest } from '../http/page.js';
import { claim, link, receiveFile } from './upload-steps.js';

const stateKey = 'report-photos';
const photosState = z.object({ key: z.string(), ids: z.array(z.string()).max(maxReportPhotos) });

const reportKey = (page: PageRequest): string | undefined => {
  const key = page.session.journeys?.report?.key;
  return typeof key === 'string' ? key : undefined;
};

/** The photo (document) ids added to the report being made now. */
export function reportPhotoIds(page: PageRequest): string[] {
  const parsed = photosState.safeParse(page.session.journeys?.[stateKey]);
  return parsed.success && parsed.data.key === reportKey(page) ? parsed.data.ids : [];
}

function savePhotoIds(page: PageRequest, ids: string[] | undefined): void {
  const { [stateKey]: _dropped, ...journeys } = page.session.journeys ?? {};
  const key = reportKey(page);
  page.session = { ...page.session, journeys: ids && key ? { ...journeys, [stateKey]: { key, ids } } : journeys };
}

/** Once the report is filed: the photos went with it. */
export const clearReportPhotos = (page: PageRequest) => savePhotoIds(page, undefined);

/**
 * What the report is filed with: the photos added so far, but not those the check
 * refused (the API would refuse the report for them); with a line for check answers.
 */
export async function reportPhotos(page: PageRequest): Promise<{ ids: string[]; row: string; items: DocumentItem[] }> {
  const documents = await documentsOf(page.api(), reportPhotoIds(page));
  const items = documents.map(documentItem);
  return {
    ids: documents.filter((d) => d.status !== 'rejected').map((d) => d.id),
    items,
    row: items.length ? items.map((p) => `${p.fileName} (${p.statusName})`).join(', ') : 'None added',
  };
}

/** Photos on a filed report, for its confirmation and its own page. */
export async function photoItems(page: PageRequest, ids: readonly string[]): Promise<DocumentItem[]> {
  return (await documentsOf(page.api(), ids)).map(documentItem);
}

const noun = 'photo';

export const addPhotos: PageHandler = async (page) => {
  const journey = page.session.journeys?.report;
  if (!journey?.location) return { redirect: '/report' };
  let ids = reportPhotoIds(page);
  let error: string | undefined;
  if (page.request.method === 'POST') {
    const remove = page.form.get('remove');
    if (remove !== null) {
      await page.file?.discard();
      savePhotoIds(
        page,
        ids.filter((id) => id !== remove),
      );
      return { redirect: '/report/photos' };
    }
    if (ids.length >= maxReportPhotos) {
      await page.file?.discard();
      error = `You can add up to ${maxReportPhotos} photos`;
    } else {
      const claimed = page.form.has('documentId') ? await claim(page, 'photo') : undefined;
      const received = claimed ? { id: claimed } : await receiveFile(page, 'photo', noun);
      if (received && 'id' in received) {
        ids = [...ids.filter((id) => id !== received.id), received.id];
        savePhotoIds(page, ids);
        return { redirect: '/report/photos' };
      }
      error = received?.error ?? `Select a ${noun}`;
    }
  }
  const photos = (await documentsOf(page.api(), ids)).map(documentItem);
  return {
    view: 'report-photos',
    status: error ? 400 : 200,
    data: {
      photos,
      pending: photos.some((p) => p.status === 'pending'),
      canAdd: ids.length < maxReportPhotos,
      maxPhotos: maxReportPhotos,
      maxMb: uploadRules.photo.maxBytes / 1024 / 1024,
      accept: uploadRules.photo.types.join(','),
      errors: error ? [{ text: error, href: '#photo' }] : [],
      photoError: error ? { text: error } : undefined,
    },
  };
};

/** The enhancement script's upload link for one photo of this report. */
export const photoLink: PageHandler = async (page) => {
  if (!page.session.journeys?.report) return { json: { error: 'Start your report again' }, status: 409 };
  const full =
    reportPhotoIds(page).length >= maxReportPhotos ? `You can add up to ${maxReportPhotos} photos` : undefined;
  return link(page, 'photo', noun, full);
};

/**
 * A resident's data rights from My Account: a copy of everything held about them
 * (subject access: the API gathers one ZIP), and deleting their account (erasure).
 * The download goes through this site, which asks the API for a fresh 5-minute link
 * each time: a page left open never holds a link that has run out.
 */
import { z } from 'zod';
import { ok } from '../api/client.js';
import type { PageHandler, PageRequest } from '../http/page.js';
import { newSession } from '../session.js';

const exportView = z.object({
  id: z.string(),
  state: z.enum(['gathering', 'ready', 'expired']),
  createdAt: z.string(),
  expiresAt: z.string().optional(),
  downloadUrl: z.string().optional(),
});
type ExportView = z.infer<typeof exportView>;

const notFound = { view: 'not-found', status: 404 } as const;

/** 7 December 2026 at 3:04pm: GOV.UK's date style, in UK time. */
const ukDateTime = (iso: string) => {
  const d = new Date(iso);
  const zone = { timeZone: 'Europe/London' } as const;
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', ...zone });
  const time = d
    .toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, ...zone })
    .replace(' ', '')
    .replace(':00', '');
  return `${date} at ${time}`;
};

/** The resident's own export, or undefined for one that is not theirs (or no export at all). */
async function findExport(page: PageRequest): Promise<ExportView | undefined> {
  const id = page.request.params.id ?? '';
  const result = await page.api().GET('/me/exports/{id}', { params: { path: { id } } });
  if (result.response.status === 404 || result.response.status === 400) return undefined;
  return exportView.parse(ok(result));
}

export const yourData: PageHandler = async (page) => {
  if (page.request.method === 'POST') {
    const started = exportView.parse(ok(await page.api().POST('/me/exports')));
    return { redirect: `/my-account/exports/${encodeURIComponent(started.id)}` };
  }
  return { view: 'your-data' };
};

export const oneExport: PageHandler = async (page) => {
  const found = await findExport(page);
  if (!found) return notFound;
  return {
    view: 'your-data-export',
    data: {
      export: found,
      askedAt: ukDateTime(found.createdAt),
      expiresAt: found.expiresAt ? ukDateTime(found.expiresAt) : undefined,
    },
  };
};

/** The ZIP, from a read link asked for now; back to the export's page when it is not (or no longer) ready. */
export const exportFile: PageHandler = async (page) => {
  const found = await findExport(page);
  if (!found) return notFound;
  return { redirect: found.downloadUrl ?? `/my-account/exports/${encodeURIComponent(found.id)}` };
};

export const deleteAccount: PageHandler = async (page) => {
  if (page.request.method === 'POST') {
    ok(await page.api().DELETE('/me'));
    // The account is gone: this site's session goes with it (the sign-in at the identity
    // provider is the resident's own, and signing in again starts an empty account).
    page.session = newSession();
    return { redirect: '/account-deleted' };
  }
  return { view: 'delete-account' };
};

export const accountDeleted: PageHandler = () => Promise.resolve({ view: 'account-deleted' });

/**
 * My Account: one timeline of the resident's requests, payments and documents
 * (newest first), and one request's own page with its public updates.
 */
import { ok } from '../api/client.js';
import {
  myDocumentsView,
  myPaymentsView,
  myRequestsView,
  profileView,
  requestView,
  statusNames,
} from '../api/views.js';
import type { PageHandler } from '../http/page.js';
import { checkNames } from '../api/uploads.js';
import { photoItems } from './photos.js';
import { paymentStatusName } from './pay.js';
import { followableReportPage, followedReports } from './following.js';

const pounds = (pence: number) => `£${(pence / 100).toFixed(2)}`;

export const myAccount: PageHandler = async (page) => {
  const api = page.api();
  const query = { params: { query: { pageSize: 20 } } };
  const [profile, requests, payments, documents, following] = await Promise.all([
    api.GET('/me').then((r) => profileView.parse(ok(r))),
    api.GET('/me/requests', query).then((r) => myRequestsView.parse(ok(r))),
    api.GET('/me/payments', query).then((r) => myPaymentsView.parse(ok(r))),
    api.GET('/me/documents', query).then((r) => myDocumentsView.parse(ok(r))),
    followedReports(api),
  ]);
  const timeline = [
    ...requests.items.map((r) => ({
      at: r.updatedAt,
      kind: 'Report',
      title: r.serviceName,
      href: `/my-account/requests/${encodeURIComponent(r.id)}`,
      status: statusNames[r.status],
    })),
    ...payments.items.map((p) => ({
      at: p.at,
      kind: 'Payment',
      title: `${p.description}, ${pounds(p.amount)}${p.refunded > 0 ? ` (${pounds(p.refunded)} refunded)` : ''}`,
      href: `/my-account/payments/${encodeURIComponent(p.id)}`,
      status: paymentStatusName(p),
    })),
    ...documents.items.map((d) => ({
      at: d.uploadedAt,
      kind: 'Document',
      title: d.fileName,
      href: `/my-account/documents/${encodeURIComponent(d.id)}`,
      status: (checkNames as Partial<Record<string, string>>)[d.status] ?? d.status,
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return { view: 'my-account', data: { profile, timeline, following } };
};

export const oneRequest: PageHandler = async (page) => {
  const id = page.request.params.id ?? '';
  const result = await page.api().GET('/requests/{id}', { params: { path: { id } } });
  // Not theirs: a public report they follow, or may follow.
  if (result.response.status === 404) return followableReportPage(page, id);
  const request = requestView.parse(ok(result));
  return {
    view: 'request',
    data: {
      report: request,
      photos: await photoItems(page, request.photos),
      statusName: statusNames[request.status],
      updates: request.timeline
        .filter((t) => t.text !== undefined || t.status !== undefined)
        .map((t) => ({ ...t, statusName: t.status ? statusNames[t.status] : undefined }))
        .reverse(),
    },
  };
};

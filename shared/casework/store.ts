/**
 * Casework in Cosmos DB: enquiries and ward assignments in `casework` (pk = councillor),
 * and the one read of `requests` casework needs, requests by ward.
 */
import type { Container } from '@azure/cosmos';
import { isCosmosStatus } from '../data/cosmos-errors.js';
import type { Status } from '../service-requests/status.js';
import type { CouncillorContactDoc, CouncillorNoticeDoc, CouncillorWardsDoc, EnquiryDoc } from './model.js';

export interface WardRequest {
  readonly id: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly status: Status;
  readonly ward: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly enquiry?: { readonly id: string };
}

export interface CaseworkStore {
  putEnquiry(doc: EnquiryDoc): Promise<void>;
  enquiriesOf(councillor: string, max: number): Promise<EnquiryDoc[]>;
  /** By id alone (staff do not know the councillor): a query across partitions, on the id. */
  findEnquiry(id: string): Promise<EnquiryDoc | undefined>;
  awaitingResponse(max: number): Promise<EnquiryDoc[]>;
  /** Awaiting a response, not yet reminded, and due a reminder on or before `today`. */
  dueReminders(today: string, max: number): Promise<EnquiryDoc[]>;
  /** Replaces the enquiry only if unchanged since read (ETag): false when someone else got there first. */
  replaceIfUnchanged(doc: EnquiryDoc): Promise<boolean>;
  wardsOf(councillor: string): Promise<readonly string[]>;
  putWards(doc: CouncillorWardsDoc): Promise<void>;
  requestsInWards(wards: readonly string[], max: number): Promise<WardRequest[]>;
  /** Where the councillor is told of their enquiries (decision 1052); undefined until first written. */
  contactOf(councillor: string): Promise<CouncillorContactDoc | undefined>;
  /**
   * Writes it only if unchanged since `current` was read (its ETag; none: only if there is none
   * yet): the stored document with its new ETag, or undefined when another write got there first,
   * so a choice is never lost to a refresh.
   */
  putContact(
    doc: CouncillorContactDoc,
    current: CouncillorContactDoc | undefined,
  ): Promise<CouncillorContactDoc | undefined>;
  /** Claims one update's send: false when it was claimed before (a redelivered job). */
  claimNotice(doc: CouncillorNoticeDoc): Promise<boolean>;
  /** Gives a claim back after a failed send, so the redelivery sends. */
  releaseNotice(id: string, councillor: string): Promise<void>;
}

/** Without Cosmos' system properties, but with the ETag a later replace is conditional on. */
const clean = (doc: EnquiryDoc): EnquiryDoc =>
  Object.fromEntries(
    Object.entries(doc).filter(([k]) => !['_rid', '_self', '_attachments', '_ts'].includes(k)),
  ) as unknown as EnquiryDoc;

export function cosmosCaseworkStore(casework: Container, requests: Container): CaseworkStore {
  // TOP with fetchAll: a cross-partition page may come back short or empty before the end.
  const enquiries = async (query: string, parameters: { name: string; value: string }[], max: number) =>
    (
      await casework.items
        .query<EnquiryDoc>({ query: query.replace('SELECT', `SELECT TOP ${max}`), parameters })
        .fetchAll()
    ).resources.map(clean);
  return {
    async putEnquiry(doc) {
      await casework.items.upsert(doc);
    },
    async enquiriesOf(councillor, max) {
      const { resources } = await casework.items
        .query<EnquiryDoc>(
          {
            query: `SELECT TOP ${max} * FROM c WHERE c.pk = @c AND c.kind = "enquiry" ORDER BY c.raisedAt DESC`,
            parameters: [{ name: '@c', value: councillor }],
          },
          { partitionKey: councillor },
        )
        .fetchAll();
      return resources.map(clean);
    },
    async findEnquiry(id) {
      const [found] = await enquiries(
        'SELECT * FROM c WHERE c.id = @id AND c.kind = "enquiry"',
        [{ name: '@id', value: id }],
        1,
      );
      return found;
    },
    awaitingResponse: (max) =>
      enquiries(
        'SELECT * FROM c WHERE c.kind = "enquiry" AND c.state = "awaiting-response" ORDER BY c.respondBy ASC',
        [],
        max,
      ),
    dueReminders: (today, max) =>
      enquiries(
        'SELECT * FROM c WHERE c.kind = "enquiry" AND c.state = "awaiting-response" AND NOT IS_DEFINED(c.reminder) AND c.remindOn <= @today',
        [{ name: '@today', value: today }],
        max,
      ),
    async replaceIfUnchanged(doc) {
      try {
        await casework
          .item(doc.id, doc.pk)
          .replace(doc, { accessCondition: { type: 'IfMatch', condition: doc._etag ?? '' } });
        return true;
      } catch (error) {
        if (isCosmosStatus(error, 412)) return false;
        throw error;
      }
    },
    async wardsOf(councillor) {
      try {
        const { resource } = await casework.item('wards', councillor).read<CouncillorWardsDoc>();
        return resource?.wards ?? [];
      } catch (error) {
        if (isCosmosStatus(error, 404)) return [];
        throw error;
      }
    },
    async putWards(doc) {
      await casework.items.upsert(doc);
    },
    async contactOf(councillor) {
      try {
        const { resource } = await casework.item('contact', councillor).read<CouncillorContactDoc>();
        return resource;
      } catch (error) {
        if (isCosmosStatus(error, 404)) return undefined;
        throw error;
      }
    },
    async putContact(doc, current) {
      const { _etag: _, ...body } = doc;
      try {
        const { resource } = current?._etag
          ? await casework
              .item(doc.id, doc.pk)
              .replace(body, { accessCondition: { type: 'IfMatch', condition: current._etag } })
          : await casework.items.create(body);
        return resource ? { ...body, ...(resource._etag ? { _etag: resource._etag } : {}) } : undefined;
      } catch (error) {
        if (isCosmosStatus(error, 412) || isCosmosStatus(error, 409)) return undefined;
        throw error;
      }
    },
    async claimNotice(doc) {
      try {
        await casework.items.create(doc);
        return true;
      } catch (error) {
        if (isCosmosStatus(error, 409)) return false;
        throw error;
      }
    },
    async releaseNotice(id, councillor) {
      try {
        await casework.item(id, councillor).delete();
      } catch (error) {
        if (!isCosmosStatus(error, 404)) throw error;
      }
    },
    async requestsInWards(wards, max) {
      if (wards.length === 0) return [];
      const { resources } = await requests.items
        .query<WardRequest>({
          query: `SELECT TOP ${max} c.id, c.serviceCode, c.serviceName, c.status, c.ward, c.createdAt, c.updatedAt, c.enquiry FROM c WHERE c.type = "request" AND ARRAY_CONTAINS(@wards, c.ward) ORDER BY c.createdAt DESC`,
          parameters: [{ name: '@wards', value: [...wards] }],
        })
        .fetchAll();
      return resources;
    },
  };
}

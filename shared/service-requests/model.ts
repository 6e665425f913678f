/**
 * A service request as stored (pk = its id) and the projections of it that live
 * in other partitions: the owner's My Account entry and the nearby-index pin.
 */
import type { AttributeValue, ServiceGroup } from '../catalogue/service-definition.js';
import type { Status } from './status.js';

export interface TimelineEntry {
  /**
   * The update's id, given once and never derived from its position, so the id an
   * Open311 client was answered is the id the updates feed shows. Entries written
   * before ids existed are known by `<request id>-<index>`.
   */
  readonly id?: string;
  readonly at: string;
  readonly kind: 'submitted' | 'status' | 'update';
  readonly status?: Status;
  readonly text?: string;
  readonly by: 'resident' | 'council' | 'partner' | 'client';
  /** For `by: 'client'`: the Open311 client (its id) that relayed the update. */
  readonly client?: string;
  /** A photo a partner hosts, with its update. */
  readonly photoUrl?: string;
}

/**
 * What staff moderators have published of a report for the public view. Nothing
 * a resident or client wrote is public until a moderator publishes it; council
 * updates are the council's own words and need no moderation.
 */
export interface Moderation {
  /** The public description: the reporter's text as published (possibly edited), or hidden. */
  readonly description?: { readonly text: string } | 'hidden';
  readonly photos?: 'shown' | 'hidden';
  /** Updates written by partners or clients, by update id. */
  readonly updates?: Readonly<Record<string, { readonly text: string } | 'hidden'>>;
}

/** Who moderated what, and when: the audit trail (texts themselves are never lost). */
export interface ModerationRecord {
  readonly at: string;
  readonly by: string;
  readonly target: 'description' | 'photos' | 'update';
  readonly updateId?: string;
  readonly action: 'published' | 'edited' | 'hidden' | 'shown';
}

export interface InternalNote {
  readonly at: string;
  readonly by: string;
  readonly text: string;
}

export interface RequestLocation {
  readonly lat?: number;
  readonly long?: number;
  readonly uprn?: string;
  readonly address?: string;
}

export interface ServiceRequestDoc {
  readonly id: string;
  readonly pk: string;
  readonly type: 'request';
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly serviceGroup: ServiceGroup;
  readonly agencyResponsible?: string;
  readonly status: Status;
  readonly description: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly location: RequestLocation;
  readonly photos: readonly string[];
  /** The reporting resident's `sub`; never shown outside owner and staff views. */
  readonly residentId: string;
  /** `sensor`: raised by a registered device's reading (shared/sensors). */
  readonly source: 'api' | 'open311' | 'sensor';
  /** Contact details an Open311 client sent with the report: staff-only. */
  readonly reporter?: {
    readonly name?: string;
    readonly email?: string;
    readonly phone?: string;
    readonly client?: string;
  };
  /** Photos an Open311 client hosts itself. */
  readonly mediaUrls?: readonly string[];
  /** Set when an Open311 description was longer than Doorstep stores (the rest is cut, never refused). */
  readonly descriptionTruncated?: boolean;
  readonly moderation?: Moderation;
  readonly moderationLog?: readonly ModerationRecord[];
  /** Something here waits for a moderator (moderation-due.ts): the moderators' queue reads only this. */
  readonly awaitsModeration?: boolean;
  /** Update ids already applied from Open311 clients, so a repeat has no second effect. */
  readonly externalUpdateIds?: readonly string[];
  readonly assignedTo?: string | null;
  readonly timeline: readonly TimelineEntry[];
  /** How many of the oldest partner entries were folded away to keep the timeline bounded (see timeline.ts). */
  readonly partnerEntriesCompacted?: number;
  readonly internalNotes: readonly InternalNote[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly expectedAt?: string;
  /** The ward (its code) the request's place is in, set when it is made (shared/wards/). */
  readonly ward?: string;
  /** Set when a councillor raised it for a resident (shared/casework/). */
  readonly enquiry?: { readonly id: string; readonly councillor: string; readonly respondBy: string };
  readonly _etag?: string;
}

/** The owner's My Account entry for the request (residents container, pk = resident). */
export interface MyRequestEntry {
  readonly id: string;
  readonly residentId: string;
  readonly kind: 'request';
  readonly at: string;
  readonly requestId: string;
  readonly summary: {
    readonly serviceCode: string;
    readonly serviceName: string;
    readonly status: Status;
    readonly updatedAt: string;
  };
}

/** An open request in the nearby index (requests container, pk = grid cell). */
export interface NearbyPin {
  readonly id: string;
  readonly pk: string;
  readonly type: 'pin';
  readonly requestId: string;
  readonly serviceCode: string;
  readonly serviceName: string;
  readonly status: Status;
  readonly lat: number;
  readonly long: number;
  readonly createdAt: string;
}

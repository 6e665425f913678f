/**
 * Resident notifications, in two steps joined by the `notifications` queue:
 * 1. plan: an event from the `notify-residents` subscription becomes one job per
 *    channel the resident opted into, sent with the id `<event id>:<channel>` so a
 *    redelivered event plans nothing twice;
 * 2. send: each job goes to GOV.UK Notify. The contact details are read at send
 *    time, so they never travel on a queue and a changed address is honoured.
 * Failures retry by redelivery on their own queue and never touch the request flow.
 *
 * A councillor's enquiry (decision 1052) is the one subject whose reporter is not a resident:
 * the councillor hears of it by email at the address their directory vouches for, with a link
 * to the enquiry in the staff workspace, unless they turned that off.
 */
import { createHash } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import { z } from 'zod';
import { eventTypePrefix } from '../events/cloud-event.js';
import type { CodeSender } from '../residents/contact-verification.js';
import { verifiedContact, type ProfileDoc, type ProfileStore } from '../residents/profile.js';
import type { Status } from '../service-requests/status.js';
import {
  channels,
  isPreferenceEvent,
  notificationKinds,
  type Channel,
  type NotificationKind,
  type NotifyTemplates,
} from './templates.js';
import { isCosmosStatus } from '../data/cosmos-errors.js';

export const notificationJobSchema = z.strictObject({
  id: z.string().min(1).max(200),
  eventId: z.string().min(1).max(100),
  residentId: z.string().min(1).max(255),
  kind: z.enum(notificationKinds),
  channel: z.enum(channels),
  templateId: z.uuid(),
  personalisation: z.record(z.string(), z.string().max(5000)),
});
export type NotificationJob = z.output<typeof notificationJobSchema>;

/** The part of a CloudEvent the planner reads. */
export const plannedEventSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.string().min(1).max(200),
  subject: z.string().min(1).max(200),
  data: z.record(z.string(), z.unknown()),
});
export type PlannedEvent = z.output<typeof plannedEventSchema>;

/** What the planner needs to know about the entity an event is about. */
export interface Subject {
  readonly residentId: string;
  readonly personalisation: Readonly<Record<string, string>>;
  /** What the report's followers may be told (public words only); absent when nothing public happened. */
  readonly forFollowers?: Readonly<Record<string, string>>;
  /** A councillor's enquiry: the councillor who raised it, and what they are told (a link to the staff workspace). */
  readonly councillor?: { readonly id: string; readonly personalisation: Readonly<Record<string, string>> };
}

/** Where a councillor hears of their enquiries (shared/casework, decision 1052). */
export interface CouncillorContacts {
  /** The address to email, read afresh each time; undefined when they have none or turned it off. */
  emailFor(councillor: string): Promise<string | undefined>;
  /** Claims a job's one send: false when it was claimed before (the job was delivered again). */
  claim(jobId: string, councillor: string): Promise<boolean>;
  /** Gives the claim back after a send that may be tried again. */
  release(jobId: string, councillor: string): Promise<void>;
}

export interface PlanDeps {
  readonly profiles: Pick<ProfileStore, 'get'>;
  readonly templates: NotifyTemplates;
  /** Reads the entity the event is about; undefined if it is gone. */
  readonly subject: (kind: NotificationKind, event: PlannedEvent) => Promise<Subject | undefined>;
  /** The residents following a request (shared/following); nobody when absent. */
  readonly followers?: (requestId: string) => Promise<readonly string[]>;
  /** Councillors' addresses and choices; without it no councillor is told anything. */
  readonly councillors?: Pick<CouncillorContacts, 'emailFor'>;
}

const statusLabels: Readonly<Record<Status, string>> = {
  submitted: 'received',
  investigating: 'being investigated',
  'action-scheduled': 'scheduled for action',
  'in-progress': 'in progress',
  fixed: 'fixed',
  closed: 'closed',
  duplicate: 'closed as already reported',
  'not-councils-responsibility': "closed: it is not the council's responsibility",
  'no-further-action': 'closed: no further action',
  referred: 'passed to another organisation',
};
export const statusLabel = (s: Status) => statusLabels[s];

/** Which kind of notification an event is, if any. */
export function kindOf(event: PlannedEvent): NotificationKind | undefined {
  const name = event.type.startsWith(eventTypePrefix) ? event.type.slice(eventTypePrefix.length) : '';
  switch (name) {
    case 'request.status-changed':
      return 'status-changed';
    case 'request.update-added':
      // An update that came with a status change is in that notification already.
      return event.data.withStatusChange === true ? undefined : 'update-added';
    case 'payment.finished':
      return event.data.status === 'success' ? 'payment-receipt' : undefined;
    case 'document.available':
    case 'document.rejected':
      return 'document-checked';
    default:
      return undefined;
  }
}

/** The one rule for every send to a resident: a channel they chose, to a contact they confirmed (decision 0900). */
const reachable = (profile: ProfileDoc, channel: Channel) =>
  profile.preferences[channel] && verifiedContact(profile, channel) !== undefined;

/** Whether the resident wants this kind: events by their preferences; a followed report by following it. */
const wants = (profile: ProfileDoc, kind: NotificationKind) =>
  !isPreferenceEvent(kind) || profile.preferences.events.includes(kind);

/** A follower's job id: the event's and a digest of who, so that a redelivered event plans nothing twice. */
const followerJobId = (eventId: string, channel: Channel, residentId: string) =>
  `${eventId}:${channel}:f:${createHash('sha256').update(residentId).digest('hex').slice(0, 16)}`;

export async function planNotifications(event: PlannedEvent, deps: PlanDeps): Promise<NotificationJob[]> {
  const kind = kindOf(event);
  if (!kind) return [];
  const subject = await deps.subject(kind, event);
  if (!subject) return [];
  const jobsFor = async (
    residentId: string,
    jobKind: NotificationKind,
    personalisation: Readonly<Record<string, string>>,
    idOf: (channel: Channel) => string,
  ): Promise<NotificationJob[]> => {
    const profile = await deps.profiles.get(residentId);
    if (!profile || !wants(profile, jobKind)) return [];
    return channels.flatMap((channel) => {
      const templateId = deps.templates[jobKind]?.[channel];
      if (!templateId || !reachable(profile, channel)) return [];
      return [
        { id: idOf(channel), eventId: event.id, residentId, kind: jobKind, channel, templateId, personalisation },
      ];
    });
  };
  const councillor = subject.councillor;
  // An enquiry's reporter is the councillor who raised it: no resident profile, their own channel below.
  const jobs =
    councillor?.id === subject.residentId
      ? []
      : await jobsFor(subject.residentId, kind, subject.personalisation, (channel) => `${event.id}:${channel}`);
  if (councillor) jobs.push(...(await councillorJobs(event, councillor, deps)));
  const forFollowers = subject.forFollowers;
  if (forFollowers && deps.followers) {
    // As FixMyStreet's alerts: followers hear what the public may see, never the reporter's own copy.
    const followers = [...new Set(await deps.followers(event.subject))].filter((id) => id !== subject.residentId);
    for (const residentId of followers)
      jobs.push(
        ...(await jobsFor(residentId, 'followed-report', forFollowers, (channel) =>
          followerJobId(event.id, channel, residentId),
        )),
      );
  }
  return jobs;
}

/** The councillor's one email about an event, when there is a template and they are reachable. */
async function councillorJobs(
  event: PlannedEvent,
  councillor: NonNullable<Subject['councillor']>,
  deps: PlanDeps,
): Promise<NotificationJob[]> {
  const templateId = deps.templates['councillor-update']?.email;
  if (!templateId || !deps.councillors || !(await deps.councillors.emailFor(councillor.id))) return [];
  return [
    {
      id: `${event.id}:email:councillor`,
      eventId: event.id,
      residentId: councillor.id,
      kind: 'councillor-update',
      channel: 'email',
      templateId,
      personalisation: { ...councillor.personalisation },
    },
  ];
}

/** A GOV.UK Notify send failed in a way that sending again cannot fix (a bad address, a template error). */
export class PermanentNotifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentNotifyError';
  }
}

export interface NotifyPort {
  send(
    channel: Channel,
    templateId: string,
    to: string,
    personalisation: Record<string, string>,
    reference: string,
  ): Promise<void>;
}

export type SendResult = 'sent' | 'skipped' | 'rejected' | 'already-sent';

export async function sendNotification(
  job: NotificationJob,
  deps: {
    readonly profiles: Pick<ProfileStore, 'get'>;
    readonly notify: NotifyPort;
    readonly councillors?: CouncillorContacts;
  },
): Promise<SendResult> {
  if (job.kind === 'councillor-update') return sendToCouncillor(job, deps);
  const profile = await deps.profiles.get(job.residentId);
  // Opted out, or removed the address, since the job was planned.
  if (!profile || !reachable(profile, job.channel) || !wants(profile, job.kind)) return 'skipped';
  const to = verifiedContact(profile, job.channel) ?? '';
  try {
    await deps.notify.send(job.channel, job.templateId, to, { ...job.personalisation }, job.id);
    return 'sent';
  } catch (error) {
    if (error instanceof PermanentNotifyError) return 'rejected';
    throw error;
  }
}

/**
 * A councillor's update: to the address their directory last vouched for, if they still want
 * it. The send is claimed first, so a job delivered again (the send went, its completion was
 * lost) is not sent twice; a send that may succeed on retry gives the claim back.
 */
async function sendToCouncillor(
  job: NotificationJob,
  deps: { readonly notify: NotifyPort; readonly councillors?: CouncillorContacts },
): Promise<SendResult> {
  const to = await deps.councillors?.emailFor(job.residentId);
  if (!deps.councillors || !to || job.channel !== 'email') return 'skipped';
  if (!(await deps.councillors.claim(job.id, job.residentId))) return 'already-sent';
  try {
    await deps.notify.send('email', job.templateId, to, { ...job.personalisation }, job.id);
    return 'sent';
  } catch (error) {
    if (error instanceof PermanentNotifyError) return 'rejected';
    await deps.councillors.release(job.id, job.residentId);
    throw error;
  }
}

/** Reads the request, payment or document an event is about, from the container it lives in. */
export function cosmosSubjects(
  containers: { requests: Container; payments: Container; documents: Container },
  myAccountUrl: string,
): PlanDeps['subject'] {
  const read = async <T extends object>(container: Container, id: string) => {
    try {
      return (await container.item(id, id).read<T>()).resource;
    } catch (error) {
      if (isCosmosStatus(error, 404)) return undefined;
      throw error;
    }
  };
  const link = (path: string) => `${myAccountUrl.replace(/\/$/, '')}/${path}`;
  // The staff workspace is served by the same site as My Account (web/index.ts), under /staff.
  const enquiryLink = (id: string) => new URL(`/staff/councillor/enquiries/${id}`, myAccountUrl).href;
  return async (kind, event): Promise<Subject | undefined> => {
    const id = event.subject;
    switch (kind) {
      case 'status-changed':
      case 'update-added': {
        const r = await read<{
          residentId: string;
          serviceName: string;
          status: Status;
          timeline?: readonly { id?: string; text?: string }[];
          enquiry?: { id: string; councillor: string };
        }>(containers.requests, id);
        if (!r) return undefined;
        // Events carry the update's id, never its text (events hold no free text): read it from the request.
        const given = event.data.update as { id?: string; text?: string; by?: string } | undefined;
        const update = (given?.id ? r.timeline?.find((t) => t.id === given.id)?.text : given?.text) ?? '';
        const personalisation = {
          service_name: r.serviceName,
          reference: id.slice(0, 8).toUpperCase(),
          status: statusLabel((event.data.status as Status | undefined) ?? r.status),
          update,
          link: link(`requests/${id}`),
        };
        // Public words only: the council's own; a partner's or client's text waits for a moderator (decision 0300).
        const publicUpdate = given?.by === 'council' ? update : '';
        const publicNews = kind === 'status-changed' || publicUpdate !== '';
        return {
          residentId: r.residentId,
          personalisation,
          ...(publicNews ? { forFollowers: { ...personalisation, update: publicUpdate } } : {}),
          ...(r.enquiry
            ? {
                councillor: {
                  id: r.enquiry.councillor,
                  personalisation: { ...personalisation, link: enquiryLink(r.enquiry.id) },
                },
              }
            : {}),
        };
      }
      case 'payment-receipt': {
        const p = await read<{ ownerId: string; description: string; amount: number }>(containers.payments, id);
        if (!p) return undefined;
        return {
          residentId: p.ownerId,
          personalisation: {
            description: p.description,
            amount: `£${(p.amount / 100).toFixed(2)}`,
            reference: id.slice(0, 8).toUpperCase(),
            link: link(`payments/${id}`),
          },
        };
      }
      case 'document-checked': {
        const d = await read<{ ownerId: string; purpose: string; status: string }>(containers.documents, id);
        if (!d) return undefined;
        return {
          residentId: d.ownerId,
          personalisation: {
            file_purpose: d.purpose === 'photo' ? 'photo' : 'document',
            outcome: d.status === 'available' ? 'has been accepted' : 'could not be accepted: please upload it again',
            link: link('documents'),
          },
        };
      }
      case 'followed-report':
      case 'councillor-update':
        return undefined;
    }
  };
}

/**
 * Security codes go straight to the address being confirmed, which is by definition not
 * verified yet, so they are the one send that does not go through the planning above.
 */
export function notifyCodeSender(notify: NotifyPort, templates: NotifyTemplates, minutes: number): CodeSender {
  return {
    async send(channel, to, code, reference) {
      const templateId = templates['contact-code']?.[channel];
      if (!templateId) throw new Error(`no GOV.UK Notify template for contact-code by ${channel}`);
      try {
        await notify.send(channel, templateId, to, { code, minutes: String(minutes) }, reference);
        return 'sent';
      } catch (error) {
        if (error instanceof PermanentNotifyError) return 'refused';
        throw error;
      }
    },
  };
}

/**
 * What a follower sees of a report: the public view (decision 0300) and nothing
 * more. Never who reported it, the address, the UPRN, the answers to the
 * service's questions, internal notes, or words nobody has published.
 */
import { publicDescription, publicUpdateText, roundCoordinate, updateIdOf } from '../open311/public-view.js';
import type { ServiceRequestDoc } from '../service-requests/model.js';
import { isOpen } from '../service-requests/status.js';
import type { FollowedRequest } from './following.js';

export function toPublicRequestView(r: ServiceRequestDoc) {
  const lat = roundCoordinate(r.location.lat);
  const long = roundCoordinate(r.location.long);
  return {
    id: r.id,
    serviceCode: r.serviceCode,
    serviceName: r.serviceName,
    status: r.status,
    open: isOpen(r.status),
    description: publicDescription(r),
    location: lat === null || long === null ? null : { lat, long },
    timeline: r.timeline.flatMap((entry, index) => {
      const text = publicUpdateText(r, entry, index);
      // An update nobody has published says nothing in public; a status change always shows.
      if (entry.kind === 'update' && text === undefined) return [];
      return [
        {
          id: updateIdOf(r, entry, index),
          at: entry.at,
          kind: entry.kind,
          ...(entry.status ? { status: entry.status } : {}),
          ...(entry.kind !== 'submitted' && text !== undefined ? { text } : {}),
        },
      ];
    }),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export const toFollowingItemView = ({ follow, request }: FollowedRequest) => ({
  requestId: follow.requestId,
  since: follow.at,
  request: request
    ? {
        serviceCode: request.serviceCode,
        serviceName: request.serviceName,
        status: request.status,
        open: isOpen(request.status),
        updatedAt: request.updatedAt,
      }
    : null,
});

/**
 * Health probes against the real dependencies: each is the cheapest call that
 * proves the app's identity can reach and use the service.
 */
import type { Dependency, Probe } from '../health/check-health.js';
import { documentContainers } from '../data/blob-containers.js';
import type { Platform } from './clients.js';

export function platformProbes(p: Platform): Record<Dependency, Probe> {
  return {
    cosmos: async (abortSignal) => {
      await (await p.database()).read({ abortSignal });
    },
    blob: async (abortSignal) => {
      const exists = await (
        await p.blobService()
      )
        .getContainerClient(documentContainers.documents)
        .exists({ abortSignal });
      if (!exists) throw new Error('documents container missing');
    },
    serviceBus: async (abortSignal) => {
      // Creating a batch opens the sender link: authentication and entity lookup included.
      await (await p.sender('events')).createMessageBatch({ abortSignal });
    },
    identity: async (signal) => {
      const url = new URL('.well-known/openid-configuration', p.config.identity.issuer.replace(/\/?$/, '/'));
      const response = await fetch(url, { signal });
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      await response.body?.cancel();
    },
  };
}

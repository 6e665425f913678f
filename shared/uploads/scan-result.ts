/**
 * Microsoft Defender for Storage's malware scan result, as it arrives through
 * Event Grid (a custom topic, Event Grid schema). Doorstep acts on this event
 * alone: it never reads the blob index tags Defender can also write (reading
 * them needs `…/blobs/tags/read`, which the app's role does not hold).
 *
 * Shape from Microsoft's "Setting up response to Malware Scanning", section
 * "Event message structure" (MicrosoftDocs/azure-docs,
 * articles/defender-for-cloud/defender-for-storage-configure-malware-scan.md at
 * 06482e52fd52041054d0b269991e270067591c7e); result strings and error states from
 * articles/defender-for-cloud/understand-malware-scan-results.md at
 * 01c06bd7588cb7fa20272a371d44b4139d7fe7ec. Locally the stack's stand-in
 * (`local/host/malware-scanning.ts`) raises the same event.
 */
import { z } from 'zod';

export const malwareScanningResultEventType = 'Microsoft.Security.MalwareScanningResult';

/** The two success states; anything else is one of Defender's error messages. */
export const noThreatsFound = 'No threats found';
export const malicious = 'Malicious';
/** SAM259205: the blob changed while it was scanned, so a newer upload gets its own result. */
const etagMismatchCode = 'SAM259205';

// Not strict: Event Grid and Defender may add fields; only these are relied on.
export const malwareScanResultEventSchema = z.object({
  eventType: z.literal(malwareScanningResultEventType),
  data: z.object({
    correlationId: z.string().min(1).max(200),
    blobUri: z.url().max(2048),
    eTag: z.string().min(1).max(200),
    scanFinishedTimeUtc: z.string().max(64),
    scanResultType: z.string().min(1).max(1000),
    scanResultDetails: z
      .object({
        malwareNamesFound: z.array(z.string().max(500)).max(100).nullish(),
        sha256: z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/)
          .nullish(),
      })
      .nullish(),
  }),
});
export type MalwareScanResultEvent = z.output<typeof malwareScanResultEventSchema>;
export type MalwareScanResult = MalwareScanResultEvent['data'];

export type ScanVerdict = 'clean' | 'malicious' | 'blob-changed' | 'failed';

export function scanVerdict(result: Pick<MalwareScanResult, 'scanResultType'>): ScanVerdict {
  if (result.scanResultType === noThreatsFound) return 'clean';
  if (result.scanResultType === malicious) return 'malicious';
  if (result.scanResultType.includes(etagMismatchCode)) return 'blob-changed';
  // Every other error state (internal error, timeout, too large, corrupt, password-protected …):
  // Defender does not scan the same bytes again, so the file can never become clean.
  return 'failed';
}

/** Storage answers ETags quoted, Defender names them bare: compare and send them one way. */
export const quotedEtag = (etag: string) => (etag.startsWith('"') ? etag : `"${etag}"`);
export const bareEtag = (etag: string) => etag.replace(/^"|"$/g, '');

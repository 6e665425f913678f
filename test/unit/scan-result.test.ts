/**
 * Contract: Defender for Storage's malware scan result event, from Microsoft's own
 * example ("Event message structure" in MicrosoftDocs/azure-docs,
 * articles/defender-for-cloud/defender-for-storage-configure-malware-scan.md at
 * 06482e52fd52041054d0b269991e270067591c7e) and result states
 * (articles/defender-for-cloud/understand-malware-scan-results.md at
 * 01c06bd7588cb7fa20272a371d44b4139d7fe7ec).
 */
import { describe, expect, it } from 'vitest';
import { bareEtag, malwareScanResultEventSchema, quotedEtag, scanVerdict } from '../../shared/uploads/scan-result.js';

// Microsoft's example, as published (placeholders filled in).
const documented = {
  id: '52d00da0-8f1a-4c3c-aa2c-24831967356b',
  subject: 'storageAccounts/stdoorstep/containers/app-logs-storage/blobs/EICAR - simulating malware.txt',
  data: {
    correlationId: '52d00da0-8f1a-4c3c-aa2c-24831967356b',
    blobUri: 'https://stdoorstep.blob.core.windows.net/app-logs-storage/EICAR - simulating malware.txt',
    eTag: '0x8DB4C9327B08CBF',
    scanFinishedTimeUtc: '2023-05-04T11:31:54.0481279Z',
    scanResultType: 'Malicious',
    scanResultDetails: {
      malwareNamesFound: ['DOS/EICAR_Test_File'],
      sha256: '275A021BBFB6489E54D471899F7DB9D1663FC695EC2FE2A2C4538AABF651FD0F',
    },
  },
  eventType: 'Microsoft.Security.MalwareScanningResult',
  dataVersion: '1.0',
  metadataVersion: '1',
  eventTime: '2023-05-04T11:31:54.048375Z',
  topic: '/subscriptions/x/resourceGroups/x/providers/Microsoft.EventGrid/topics/malware-scan-results',
};

describe('the malware scan result event', () => {
  it('when Microsoft’s documented example arrives, then it is read with its eTag, verdict and hash', () => {
    const parsed = malwareScanResultEventSchema.parse(documented);
    expect(parsed.data).toMatchObject({ eTag: '0x8DB4C9327B08CBF', scanResultType: 'Malicious' });
    expect(parsed.data.scanResultDetails?.sha256).toHaveLength(64);
    expect(scanVerdict(parsed.data)).toBe('malicious');
  });

  it('when the result is clean, an error state, or an ETag mismatch, then each has its own verdict', () => {
    expect(scanVerdict({ scanResultType: 'No threats found' })).toBe('clean');
    expect(
      scanVerdict({ scanResultType: 'SAM259205: "Scan failed due to ETag mismatch - blob was possibly overwritten."' }),
    ).toBe('blob-changed');
    for (const error of [
      'SAM259201: "Scan failed - internal service error."',
      'SAM259207: "Scan timed out - the requested scan exceeded the 30 minutes time limitation."',
      'SAM259210: "Scan aborted - the requested blob is protected by password."',
      'Not Scanned',
    ])
      expect(scanVerdict({ scanResultType: error }), error).toBe('failed');
  });

  it('when an error result carries no details, then it is still read', () => {
    const error = { ...documented, data: { ...documented.data, scanResultType: 'SAM259201', scanResultDetails: null } };
    expect(malwareScanResultEventSchema.safeParse(error).success).toBe(true);
  });

  it('when another event type arrives (a blob created, a validation), then it is not a scan result', () => {
    expect(
      malwareScanResultEventSchema.safeParse({ ...documented, eventType: 'Microsoft.Storage.BlobCreated' }).success,
    ).toBe(false);
    const { eTag: _eTag, ...withoutEtag } = documented.data;
    expect(malwareScanResultEventSchema.safeParse({ ...documented, data: withoutEtag }).success).toBe(false);
  });

  it('compares Defender’s bare eTags with Storage’s quoted ones', () => {
    expect(quotedEtag('0x8DB4C9327B08CBF')).toBe('"0x8DB4C9327B08CBF"');
    expect(quotedEtag('"0x8DB4C9327B08CBF"')).toBe('"0x8DB4C9327B08CBF"');
    expect(bareEtag('"0x8DB4C9327B08CBF"')).toBe('0x8DB4C9327B08CBF');
  });
});

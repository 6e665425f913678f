/**
 * Blob Storage for uploads: create-only upload URLs into quarantine (a user
 * delegation SAS through the managed identity in Azure; the emulator's account
 * key locally), reads pinned to the ETag a scan named, and short read-only
 * download URLs.
 */
import type { BlobServiceClient, UserDelegationKey } from '@azure/storage-blob';
import { documentContainers } from '../data/blob-containers.js';
import { quotedEtag } from './scan-result.js';

export interface UploadBlobs {
  uploadUrl(blobName: string, contentType: string, expiresOn: Date): Promise<string>;
  /** The quarantine blob a URL names, if it is in this account's quarantine container. */
  quarantineBlobName(blobUri: string): string | undefined;
  /**
   * The blob's bytes as they were at `etag`: `changed` if the blob is no longer that
   * version, `too-large` if it holds more than `maxBytes`, undefined if gone.
   */
  readQuarantine(
    blobName: string,
    etag: string,
    maxBytes: number,
  ): Promise<{ bytes: Buffer; size: number } | 'too-large' | 'changed' | undefined>;
  /** Quarantine blobs created before `cutoff`, uncommitted ones (staged blocks only) included. */
  staleQuarantine(cutoff: Date, max: number): Promise<string[]>;
  deleteQuarantine(blobName: string): Promise<void>;
  putDocument(blobName: string, bytes: Buffer, contentType: string, fileName: string): Promise<void>;
  downloadUrl(blobName: string, fileName: string, expiresOn: Date): Promise<string>;
}

/**
 * The service version upload SASes are signed for. Up to 2026-02-06 the create (`c`)
 * permission allows Put Blob only when the blob does not exist and never Put Block or
 * Put Block List (operation table in "Create an account SAS"); from 2026-04-06 `c` also
 * covers Put Block, Put Block List and Put Block from URL ("Version 2026-04-06",
 * learn.microsoft.com/rest/api/storageservices/version-2026-04-06). Pinned below that,
 * an upload link creates its one blob in one request and can stage no blocks at all.
 */
export const uploadSasVersion = '2025-07-05';

const asciiName = (name: string) => name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
const statusOf = (error: unknown) => (error as { statusCode?: number }).statusCode;

export function azureUploadBlobs(
  service: BlobServiceClient,
  signing: 'user-delegation' | 'account-key',
  containers: { readonly quarantine: string; readonly documents: string } = documentContainers,
): UploadBlobs {
  const quarantine = service.getContainerClient(containers.quarantine);
  const documents = service.getContainerClient(containers.documents);
  const quarantinePrefix = new URL(`${quarantine.url}/`);
  let delegation: { key: UserDelegationKey; until: number } | undefined;

  const sign = async (
    client: ReturnType<typeof quarantine.getBlockBlobClient>,
    options: Parameters<typeof client.generateSasUrl>[0],
  ) => {
    if (signing === 'account-key') return client.generateSasUrl(options);
    const now = Date.now();
    // One delegation key serves every URL for an hour; it is renewed before it runs out.
    if (!delegation || delegation.until - now < 30 * 60_000) {
      const until = now + 60 * 60_000;
      const key = await service.getUserDelegationKey(new Date(now - 5 * 60_000), new Date(until));
      delegation = { key, until };
    }
    return client.generateUserDelegationSasUrl(options, delegation.key);
  };

  return {
    async uploadUrl(blobName, contentType, expiresOn) {
      const { BlobSASPermissions, SASProtocol } = await import('@azure/storage-blob');
      // Create only: no `w`, so the link cannot overwrite the blob once it exists.
      return sign(quarantine.getBlockBlobClient(blobName), {
        permissions: BlobSASPermissions.parse('c'),
        version: uploadSasVersion,
        expiresOn,
        startsOn: new Date(Date.now() - 60_000),
        protocol: signing === 'account-key' ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
        contentType,
      });
    },
    quarantineBlobName(blobUri) {
      let url: URL;
      try {
        url = new URL(blobUri);
      } catch {
        return undefined;
      }
      if (url.origin !== quarantinePrefix.origin || !url.pathname.startsWith(quarantinePrefix.pathname))
        return undefined;
      try {
        return decodeURIComponent(url.pathname.slice(quarantinePrefix.pathname.length)) || undefined;
      } catch {
        return undefined;
      }
    },
    async readQuarantine(blobName, etag, maxBytes) {
      const client = quarantine.getBlobClient(blobName);
      const conditions = { ifMatch: quotedEtag(etag) };
      try {
        const properties = await client.getProperties({ conditions });
        const size = properties.contentLength ?? 0;
        if (size > maxBytes) return 'too-large';
        const bytes = size === 0 ? Buffer.alloc(0) : await client.downloadToBuffer(0, size, { conditions });
        return { bytes, size };
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        if (statusOf(error) === 412) return 'changed';
        throw error;
      }
    },
    async staleQuarantine(cutoff, max) {
      const names: string[] = [];
      let listed = 0;
      // Quarantine holds only the last hour or so of uploads; the listing is bounded all the same.
      for await (const blob of quarantine.listBlobsFlat({ includeUncommitedBlobs: true })) {
        if (blob.properties.createdOn && blob.properties.createdOn < cutoff) names.push(blob.name);
        if (names.length >= max || ++listed >= 50 * max) break;
      }
      return names;
    },
    async deleteQuarantine(blobName) {
      await quarantine.getBlobClient(blobName).deleteIfExists({ deleteSnapshots: 'include' });
    },
    async putDocument(blobName, bytes, contentType, fileName) {
      await documents.getBlockBlobClient(blobName).uploadData(bytes, {
        blobHTTPHeaders: {
          blobContentType: contentType,
          blobContentDisposition: `attachment; filename="${asciiName(fileName)}"`,
        },
      });
    },
    async downloadUrl(blobName, fileName, expiresOn) {
      const { BlobSASPermissions, SASProtocol } = await import('@azure/storage-blob');
      return sign(documents.getBlockBlobClient(blobName), {
        permissions: BlobSASPermissions.parse('r'),
        expiresOn,
        startsOn: new Date(Date.now() - 60_000),
        protocol: signing === 'account-key' ? SASProtocol.HttpsAndHttp : SASProtocol.Https,
        contentDisposition: `attachment; filename="${asciiName(fileName)}"`,
      });
    },
  };
}

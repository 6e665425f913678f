/** The data lake over Blob Storage's API (ADLS Gen2 accounts serve it too: multi-protocol access). */
import type { ContainerClient } from '@azure/storage-blob';
import { RestError } from '@azure/storage-blob';

/** The lake as the export, the descriptor and the compaction use it: the port its adapters fill. */
export interface DataLake {
  put(path: string, content: Uint8Array | string, contentType: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
  read(path: string): Promise<{ readonly content: Uint8Array; readonly etag: string } | undefined>;
  /** Writes only if the blob is still at `etag` (undefined: only if there is none); false if another writer got there first. */
  putIf(path: string, content: Uint8Array | string, contentType: string, etag: string | undefined): Promise<boolean>;
  /** Deletes the blob unless it was written after `unmodifiedSince`; false if it was kept (or absent). */
  remove(path: string, unmodifiedSince?: Date): Promise<boolean>;
}

const refused = (error: unknown) =>
  error instanceof RestError && (error.statusCode === 412 || error.statusCode === 409);

export function blobDataLake(container: ContainerClient): DataLake {
  return {
    async put(path, content, contentType) {
      const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      await container.getBlockBlobClient(path).uploadData(body, { blobHTTPHeaders: { blobContentType: contentType } });
    },
    async list(prefix) {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix })) names.push(blob.name);
      return names;
    },
    async read(path) {
      try {
        const response = await container.getBlobClient(path).download();
        const chunks: Buffer[] = [];
        for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
        return { content: new Uint8Array(Buffer.concat(chunks)), etag: response.etag ?? '' };
      } catch (error) {
        if (error instanceof RestError && error.statusCode === 404) return undefined;
        throw error;
      }
    },
    async putIf(path, content, contentType, etag) {
      const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      try {
        await container.getBlockBlobClient(path).uploadData(body, {
          blobHTTPHeaders: { blobContentType: contentType },
          conditions: etag === undefined ? { ifNoneMatch: '*' } : { ifMatch: etag },
        });
        return true;
      } catch (error) {
        if (refused(error)) return false;
        throw error;
      }
    },
    async remove(path, unmodifiedSince) {
      try {
        const { succeeded } = await container
          .getBlobClient(path)
          .deleteIfExists(unmodifiedSince ? { conditions: { ifUnmodifiedSince: unmodifiedSince } } : {});
        return succeeded;
      } catch (error) {
        if (refused(error)) return false;
        throw error;
      }
    },
  };
}

/**
 * A lake in memory, for the bench and for unit tests of pure logic. Etags and
 * modification times behave as Blob Storage's do for the conditions the export uses.
 */
export function memoryDataLake(clock: () => Date = () => new Date()) {
  const blobs = new Map<string, { content: Uint8Array; etag: string; modified: Date }>();
  let version = 0;
  const store = (path: string, content: Uint8Array | string) =>
    blobs.set(path, {
      content: typeof content === 'string' ? new TextEncoder().encode(content) : content,
      etag: `"${++version}"`,
      modified: clock(),
    });
  const lake: DataLake = {
    put(path, content) {
      store(path, content);
      return Promise.resolve();
    },
    list(prefix) {
      return Promise.resolve([...blobs.keys()].filter((k) => k.startsWith(prefix)).sort());
    },
    read(path) {
      const blob = blobs.get(path);
      return Promise.resolve(blob && { content: blob.content, etag: blob.etag });
    },
    putIf(path, content, _type, etag) {
      if (blobs.get(path)?.etag !== etag) return Promise.resolve(false);
      store(path, content);
      return Promise.resolve(true);
    },
    remove(path, unmodifiedSince) {
      const blob = blobs.get(path);
      if (!blob || (unmodifiedSince && blob.modified > unmodifiedSince)) return Promise.resolve(false);
      blobs.delete(path);
      return Promise.resolve(true);
    },
  };
  return { lake, blobs };
}

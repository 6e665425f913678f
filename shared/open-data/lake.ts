/** The data lake over Blob Storage's API (ADLS Gen2 accounts serve it too: multi-protocol access). */
import type { ContainerClient } from '@azure/storage-blob';
import type { DataLake } from './export.js';

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
  };
}

/**
 * One interface for "is this upload malicious?". In Azure, Microsoft Defender for
 * Storage scans each blob on upload and writes its verdict as a blob index tag;
 * locally, a signature scanner detects at least the EICAR test file. Chosen by
 * configuration (`UPLOAD_SCANNER`).
 */
export type ScanVerdict = 'clean' | 'malicious' | 'pending';

export interface MalwareScanner {
  scan(input: {
    readonly bytes: Uint8Array;
    readonly tags: () => Promise<Readonly<Record<string, string>>>;
  }): Promise<ScanVerdict>;
}

/** The EICAR anti-virus test file's signature, and nothing of it is executable. */
const eicar = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');

export const signatureScanner: MalwareScanner = {
  scan: ({ bytes }) =>
    Promise.resolve(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(eicar) ? 'malicious' : 'clean',
    ),
};

/** Defender's tag: "No threats found", "Malicious", or absent while the scan runs. */
export const defenderTagScanner: MalwareScanner = {
  scan: async ({ tags }) => {
    const result = (await tags())['Malware Scanning scan result'];
    if (result === undefined) return 'pending';
    return result === 'No threats found' ? 'clean' : 'malicious';
  },
};

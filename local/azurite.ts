/**
 * Blob Storage: Azurite, as a child process (in-memory), on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from './ports.js';
import type { Suspendable } from './outage.js';

/** Azurite's documented development account: public, and accepted only by emulators. */
export const azuriteAccount = {
  name: 'devstoreaccount1',
  key: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
} as const;

export interface Azurite extends Suspendable {
  readonly port: number;
  readonly blobEndpoint: string;
  readonly connectionString: string;
  close(): Promise<void>;
}

export async function startAzurite(options: { port?: number; host?: string } = {}): Promise<Azurite> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(dirname(fileURLToPath(import.meta.url)), 'azurite-child.cjs'),
      main,
      '--blobHost',
      host,
      '--blobPort',
      String(port),
      '--inMemoryPersistence',
      '--silent',
      '--skipApiVersionCheck',
      '--disableProductStyleUrl',
      '--disableTelemetry',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`Azurite exited (${String(code)}): ${stderr}`));
    });
  });
  await Promise.race([waitForPort(port, host), exited]);
  exited.catch(() => undefined);
  const blobEndpoint = `http://${host}:${port}/${azuriteAccount.name}`;
  return {
    port,
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${azuriteAccount.name};AccountKey=${azuriteAccount.key};BlobEndpoint=${blobEndpoint};`,
    // Frozen, not killed: its data is in memory, and a dependency that accepts connections
    // but never answers is the harder outage (callers must time out on their own).
    suspend: () => Promise.resolve(void child.kill('SIGSTOP')),
    resume: () => Promise.resolve(void child.kill('SIGCONT')),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        // Azurite's graceful close waits on clients' keep-alive sockets; its data is in memory anyway.
        child.kill('SIGKILL');
      }),
  };
}

/**
 * Outages for the fault tests: a local dependency that can be taken away and
 * brought back with its state, as a network partition or a restart would do.
 */
import type { Server } from 'node:http';

export interface Suspendable {
  /** Stops answering (connections dropped, nothing listening), keeping all state. */
  suspend(): Promise<void>;
  /** Listens again on the same port, with the same state. */
  resume(): Promise<void>;
}

/**
 * For an in-process HTTP server: close it (a closed server may listen again) and reopen
 * on its port. `reset` instead keeps it listening but resets every connection, for a
 * server that would lose its state when it listens again (the Cosmos DB server makes a
 * new, empty account on 'listening').
 */
export function suspendableServer(
  server: Server,
  host: string,
  port: number,
  mode: 'close' | 'reset' = 'close',
): Suspendable {
  if (mode === 'reset') {
    let down = false;
    server.prependListener('connection', (socket) => {
      if (down) socket.destroy();
    });
    return {
      suspend: () => {
        down = true;
        server.closeAllConnections();
        return Promise.resolve();
      },
      resume: () => {
        down = false;
        return Promise.resolve();
      },
    };
  }
  return {
    suspend: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
    resume: () =>
      new Promise<void>((resolve, reject) => {
        if (server.listening) {
          resolve();
          return;
        }
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
  };
}

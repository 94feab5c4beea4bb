/** The API on a port: start for tests (port 0) and for api/main.ts; close drains in-flight requests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppDeps, createApp } from './app';

export interface ApiServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Stop accepting connections, let in-flight requests finish (at most `graceMs`), then resolve. */
  close(graceMs?: number): Promise<void>;
}

export async function startApiServer(deps: AppDeps, port: number, host = '127.0.0.1'): Promise<ApiServer> {
  const server = http.createServer(createApp(deps));
  let closing = false;
  // Keep-alive sockets that finish a response after close() began are closed right away.
  server.on('request', (_req, res: http.ServerResponse) => {
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${bound}`,
    close(graceMs = 10_000) {
      closing = true;
      return new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * The cluster's load balancer (scripts/cluster.sh, docs/cluster.md): the README's API
 * address in front of the API processes, node:http only.
 *
 * - Round-robin: each request goes to the next backend in turn.
 * - Fail-over on a refused connection: when a backend refuses the connection or drops it
 *   before any response (ECONNREFUSED, ECONNRESET, EPIPE, a socket hang-up), the same
 *   request goes to the next backend. The request body is buffered for this.
 *   Resending a request that may have reached a dying backend is safe for this API:
 *   opening a case carries an `Idempotency-Key` (the same case comes back), and a staff
 *   action is a Temporal update named by the request id (`X-Request-Id`), which the
 *   balancer sets when the client did not, so both attempts carry the same one and the
 *   update is applied once.
 * - When no backend answers, 503 with `Retry-After` and the API's own error shape:
 *   `{"code":"Unavailable","message":"服务暂时不可用，请稍后重试"}`; the client retries.
 * - No active health checks: a backend that refused is still tried in its turn (a refused
 *   connection costs well under a millisecond on this machine).
 * Any other failure after the response began (a backend dying mid-body) ends the client's
 * connection, as a proxy must: the client sees a connection error and retries.
 *
 * Configuration: LB_PORT (3000), LB_HOST (127.0.0.1), LB_BACKENDS ("127.0.0.1:3001,127.0.0.1:3002").
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';

const port = Number(process.env.LB_PORT ?? 3000);
const host = process.env.LB_HOST ?? '127.0.0.1';
const backends = (process.env.LB_BACKENDS ?? '127.0.0.1:3001,127.0.0.1:3002')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean)
  .map((b) => {
    const [h, p] = b.split(':');
    return { host: h, port: Number(p), agent: new http.Agent({ keepAlive: true, maxSockets: 64 }) };
  });
if (backends.length === 0 || backends.some((b) => !b.host || !Number.isInteger(b.port))) throw new Error(`LB_BACKENDS must be host:port,... (got ${process.env.LB_BACKENDS})`);

/** Errors that mean "this backend did not take the request": try the next one. */
const refused = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH']);
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);
const unavailableBody = JSON.stringify({ code: 'Unavailable', message: '服务暂时不可用，请稍后重试' });
const log = (entry: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);

let next = 0;

function forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  const start = next;
  next = (next + 1) % backends.length;
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!hopByHop.has(k) && v !== undefined) headers[k] = v;
  headers['content-length'] = String(body.length);
  headers['x-request-id'] ??= randomUUID();
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  const failures: string[] = [];

  const attempt = (tried: number): void => {
    if (tried === backends.length) {
      log({ level: 'warn', msg: 'no backend answered', method: req.method, url: req.url, requestId: headers['x-request-id'], failures });
      if (!res.headersSent) {
        res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', 'x-request-id': String(headers['x-request-id']) });
      }
      res.end(unavailableBody);
      return;
    }
    const b = backends[(start + tried) % backends.length];
    let answered = false;
    const upstream = http.request({ host: b.host, port: b.port, method: req.method, path: req.url, headers, agent: b.agent }, (answer) => {
      answered = true;
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(answer.headers)) if (!hopByHop.has(k) && v !== undefined) out[k] = v;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      answer.on('aborted', () => res.destroy());
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (answered) {
        res.destroy();
        return;
      }
      const code = err.code ?? err.message;
      failures.push(`${b.host}:${b.port} ${code}`);
      if (refused.has(code) || /socket hang up/.test(err.message)) {
        if (tried + 1 < backends.length) log({ level: 'info', msg: 'backend refused, trying the next', backend: `${b.host}:${b.port}`, code, method: req.method, url: req.url, requestId: headers['x-request-id'] });
        attempt(tried + 1);
        return;
      }
      log({ level: 'warn', msg: 'backend failed', backend: `${b.host}:${b.port}`, code, method: req.method, url: req.url });
      attempt(tried + 1);
    });
    upstream.end(body);
  };
  attempt(0);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => forward(req, res, Buffer.concat(chunks)));
  req.on('error', () => res.destroy());
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => log({ level: 'info', msg: 'load balancer started', url: `http://${host}:${port}`, backends: backends.map((b) => `${b.host}:${b.port}`) }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log({ level: 'info', msg: 'load balancer stopping', signal });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}

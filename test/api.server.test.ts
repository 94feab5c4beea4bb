/**
 * The HTTP shell without Temporal: a fake client stands in (the database and
 * tokens are real), so these run in milliseconds. What the routes do with a
 * real workflow is in the other api.* tests.
 */
import type { Client } from '@temporalio/client';
import { type ApiServer, startApiServer } from '../api/server';
import { createDb, type Db } from '../db/client';
import { repairWorkflowId } from '../workflows/repair/repair.messages';
import { createTestDb } from './support/db';
import { TestTokens } from './support/http';
import { csr, testCalendar } from './support/scenario';

const caseId = 'BX20261122-ABC123';
let db: Db;
let staff: Record<string, string>;
beforeAll(async () => {
  db = createTestDb();
  staff = await new TestTokens(db).headersOf(csr);
});
afterAll(async () => {
  await db.$disconnect();
});

/** A client whose query does what the test says, and whose frontend answers (or not) as told. */
function fakeClient(query: (workflowId: string) => Promise<unknown>, frontend: () => Promise<unknown> = () => Promise.resolve({})): Client {
  return {
    workflow: { getHandle: (workflowId: string) => ({ workflowId, query: () => query(workflowId) }) },
    workflowService: { getSystemInfo: frontend },
  } as unknown as Client;
}

let api: ApiServer | undefined;
const logged: Record<string, unknown>[] = [];
const requests: Record<string, unknown>[] = [];
afterEach(async () => {
  await api?.close();
  api = undefined;
  logged.length = 0;
  requests.length = 0;
});

const start = (query: (workflowId: string) => Promise<unknown>, frontend?: () => Promise<unknown>) =>
  startApiServer(
    {
      client: fakeClient(query, frontend),
      db,
      calendar: testCalendar(),
      taskQueue: 'unused',
      log: (e) => logged.push(e),
      requestLog: (e) => requests.push(e),
    },
    0,
  );

describe('API server', () => {
  it('when a route throws an unexpected error, then 500 without internals, and the error is logged', async () => {
    api = await start(() => Promise.reject(new Error('SQLITE_BUSY at /srv/secret/app.db')));
    const res = await fetch(`${api.url}/repairs/${caseId}`, { headers: staff });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ code: 'Internal', message: '服务器内部错误，请稍后重试' });
    expect(text).not.toContain('secret');
    expect(logged).toEqual([expect.objectContaining({ level: 'error', path: `/repairs/${caseId}` })]);
  });

  it('when the database does not answer, then an authenticated request is 503 DatabaseUnavailable with Retry-After (not 500), and /readyz names the database', async () => {
    const unreachable = createDb('postgresql://staff:secret@127.0.0.1:1/property');
    try {
      api = await startApiServer({ client: fakeClient(() => Promise.resolve({})), db: unreachable, calendar: testCalendar(), taskQueue: 'unused', log: (e) => logged.push(e), requestLog: (e) => requests.push(e) }, 0);
      const res = await fetch(`${api.url}/repairs/${caseId}`, { headers: staff });
      expect([res.status, res.headers.get('retry-after')]).toEqual([503, '5']);
      expect(await res.json()).toEqual({ code: 'DatabaseUnavailable', message: '数据库暂时不可用，请稍后重试' });
      expect(logged).toEqual([]);
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, temporal: 'ok' });
    } finally {
      await unreachable.$disconnect();
    }
  });

  it('when the body is declared in another charset than UTF-8, then 415 UnsupportedCharset', async () => {
    api = await start(() => Promise.resolve({}));
    const res = await fetch(`${api.url}/repairs`, { method: 'POST', headers: { ...staff, 'Content-Type': 'application/json; charset=latin1' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'UnsupportedCharset' });
  });

  it('when the body is larger than 64 kB, then 413 PayloadTooLarge', async () => {
    api = await start(() => Promise.resolve({}));
    const res = await fetch(`${api.url}/repairs`, {
      method: 'POST',
      headers: { ...staff, 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: 'x'.repeat(70_000) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ code: 'PayloadTooLarge', message: '请求体过大' });
  });

  it('when the server closes during a request, then the request still completes and new connections are refused', async () => {
    let queried: () => void = () => undefined;
    const wasQueried = new Promise<void>((r) => (queried = r));
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    const server = await start(async (workflowId) => {
      queried();
      await released;
      return { workflowId };
    });
    const inFlight = fetch(`${server.url}/repairs/${caseId}`, { headers: staff });
    await wasQueried;
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);
    release();
    const res = await inFlight;
    expect(await res.json()).toEqual({ workflowId: repairWorkflowId(caseId) });
    await closing;
    expect(closed).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('when Temporal and the database answer, then /readyz is 200; when Temporal does not, 503 naming it, while /healthz stays 200', async () => {
    api = await start(() => Promise.resolve({}));
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ ok: true, temporal: 'ok', database: 'ok', stuckCases: [] });
    await api.close();
    api = await start(
      () => Promise.resolve({}),
      () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')),
    );
    const down = await fetch(`${api.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false, temporal: '14 UNAVAILABLE: connection refused', database: 'ok', stuckCases: [] });
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });

  it('every request gets one structured log line with its request id, which the response echoes; a sensible caller id is kept', async () => {
    api = await start((workflowId) => Promise.resolve({ workflowId }));
    const mine = await fetch(`${api.url}/repairs/${caseId}`, { headers: { ...staff, 'X-Request-Id': 'front-desk-0001' } });
    expect(mine.headers.get('x-request-id')).toBe('front-desk-0001');
    const fresh = await fetch(`${api.url}/repairs/${caseId}`, { headers: { ...staff, 'X-Request-Id': 'bad id with spaces' } });
    const freshId = fresh.headers.get('x-request-id');
    expect(freshId).toMatch(/^[0-9a-f-]{36}$/);
    await fetch(`${api.url}/nowhere`);
    expect(requests).toEqual([
      expect.objectContaining({ level: 'info', msg: 'request', requestId: 'front-desk-0001', method: 'GET', path: `/repairs/${caseId}`, status: 200, staff: csr.id, role: 'csr' }),
      expect.objectContaining({ requestId: freshId, status: 200 }),
      expect.objectContaining({ path: '/nowhere', status: 401 }),
    ]);
    expect(typeof requests[0]?.['ms']).toBe('number');
  });

  it('when Temporal is unreachable, or the workflow cannot take the request now, then 503 with a Chinese message, not 500', async () => {
    const grpcError = (code: number) => Object.assign(new Error(`${code} grpc`), { code, details: 'x', metadata: {} });
    for (const [code, expected] of [
      [14, 'TemporalUnavailable'],
      [9, 'CaseUnavailable'],
    ] as const) {
      api = await start(() => Promise.reject(grpcError(code)));
      const res = await fetch(`${api.url}/repairs/${caseId}`, { headers: staff });
      expect([code, res.status, ((await res.json()) as { code: string }).code]).toEqual([code, 503, expected]);
      await api.close();
      api = undefined;
    }
    expect(logged).toEqual([]);
  });
});

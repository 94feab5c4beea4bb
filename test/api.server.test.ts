/**
 * The HTTP shell without Temporal: a fake client stands in, so these run in
 * milliseconds. What the repair routes do with a real workflow is in
 * api.repair.test.ts.
 */
import type { Client } from '@temporalio/client';
import { type ApiServer, startApiServer } from '../api/server';
import type { Db } from '../db/client';
import { repairWorkflowId } from '../workflows/repair/repair.messages';
import { csr, testCalendar } from './support/scenario';

const caseId = 'BX20261122-ABC123';
const staff = { 'X-Staff-Id': csr.id, 'X-Staff-Role': csr.role };

/** A client whose query does what the test says; nothing else is called. */
function fakeClient(query: (workflowId: string) => Promise<unknown>): Client {
  return { workflow: { getHandle: (workflowId: string) => ({ workflowId, query: () => query(workflowId) }) } } as unknown as Client;
}

let api: ApiServer | undefined;
const logged: Record<string, unknown>[] = [];
afterEach(async () => {
  await api?.close();
  api = undefined;
  logged.length = 0;
});

const start = (query: (workflowId: string) => Promise<unknown>) =>
  startApiServer(
    { client: fakeClient(query), db: {} as Db, calendar: testCalendar(), taskQueue: 'unused', log: (e) => logged.push(e) },
    0,
  );

describe('API server', () => {
  it('when a route throws an unexpected error, then 500 without internals, and the error is logged', async () => {
    api = await start(async () => {
      throw new Error('SQLITE_BUSY at /srv/secret/app.db');
    });
    const res = await fetch(`${api.url}/repairs/${caseId}`, { headers: staff });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ code: 'Internal', message: '服务器内部错误，请稍后重试' });
    expect(text).not.toContain('secret');
    expect(logged).toEqual([expect.objectContaining({ level: 'error', path: `/repairs/${caseId}` })]);
  });

  it('when the body is larger than 64 kB, then 413 PayloadTooLarge', async () => {
    api = await start(async () => ({}));
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
});

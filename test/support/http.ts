/** The staff API on port 0 over a time-skipping system, and plain fetch helpers that act as staff. */
import { type ApiServer, startApiServer } from '../../api/server';
import type { Actor } from '../../workflows/lib/roles';
import { testCalendar } from './scenario';
import { startTimeSkippingSystem, taskQueue, type TimeSkippingSystem } from './temporal';

export interface Reply<T = any> {
  status: number;
  body: T;
}

export interface StaffHttp {
  server: ApiServer;
  /** Errors the API logged as unexpected (500s); a scenario expects none. */
  unexpected: unknown[];
  request<T = unknown>(method: string, path: string, actor?: Actor, body?: unknown, raw?: string): Promise<Reply<T>>;
  post<T = unknown>(path: string, actor: Actor | undefined, body?: unknown): Promise<Reply<T>>;
  get<T = unknown>(path: string, actor?: Actor): Promise<Reply<T>>;
}

export const headersOf = (actor?: Actor): Record<string, string> =>
  actor ? { 'X-Staff-Id': actor.id, 'X-Staff-Role': actor.role } : {};

/** The API's clock is the test server's, so due times agree with the workflow's after skipped time. */
export async function startStaffHttp(sys: TimeSkippingSystem, defaultActor: Actor): Promise<StaffHttp> {
  const unexpected: unknown[] = [];
  const server = await startApiServer(
    {
      client: sys.env.client,
      db: sys.db,
      calendar: testCalendar(),
      taskQueue,
      now: async () => new Date(await sys.env.currentTimeMs()),
      log: (entry) => unexpected.push(entry),
    },
    0,
  );
  async function request<T>(method: string, path: string, actor?: Actor, body?: unknown, raw?: string): Promise<Reply<T>> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headersOf(actor), ...(body !== undefined || raw !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  return {
    server,
    unexpected,
    request,
    post: (path, actor, body) => request('POST', path, actor, body),
    get: (path, actor = defaultActor) => request('GET', path, actor),
  };
}

/** For an API test file: a time-skipping system and the API over it, started once; no 500s allowed. */
export function useStaffHttp(defaultActor: Actor): { sys: TimeSkippingSystem; http: StaffHttp } {
  const ctx = {} as { sys: TimeSkippingSystem; http: StaffHttp };
  beforeAll(async () => {
    ctx.sys = await startTimeSkippingSystem();
    ctx.http = await startStaffHttp(ctx.sys, defaultActor);
  });
  afterAll(async () => {
    await ctx.http?.server.close();
    await ctx.sys?.teardown();
  });
  afterEach(() => {
    expect(ctx.http.unexpected).toEqual([]);
  });
  return ctx;
}

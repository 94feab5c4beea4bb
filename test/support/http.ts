/** The staff API on port 0 over a time-skipping system, and plain fetch helpers that act as staff. */
import { type ApiServer, startApiServer } from '../../api/server';
import { addStaffMember, staffMemberSchema } from '../../api/staffTokens';
import type { Db } from '../../db/client';
import type { Actor } from '../../workflows/lib/roles';
import { testCalendar } from './scenario';
import { startTimeSkippingSystem, taskQueue, type TimeSkippingSystem, useScenarioHooks } from './temporal';
import { AesGcmPayloadCodec, loadPayloadKeys } from '../../worker/payloadCodec';

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** The API's error body (`{ code, message, issues? }`), with zod's issue paths. */
export interface ErrorReply {
  code: string;
  message: string;
  issues?: { path: (string | number)[]; code?: string }[];
}

export interface StaffHttp {
  server: ApiServer;
  tokens: TestTokens;
  /** Request log lines (one per request). */
  requests: Record<string, unknown>[];
  /** Errors the API logged as unexpected (500s); a scenario expects none. */
  unexpected: unknown[];
  // Plain functions (no `this`), so a test may take them out of the object.
  request: <T = unknown>(method: string, path: string, actor?: Actor, body?: unknown, raw?: string, headers?: Record<string, string>) => Promise<Reply<T>>;
  post: <T = unknown>(path: string, actor: Actor | undefined, body?: unknown) => Promise<Reply<T>>;
  get: <T = unknown>(path: string, actor?: Actor) => Promise<Reply<T>>;
}

/**
 * Bearer tokens for test actors, issued through the same module as
 * `npm run staff:add` on first use. An actor whose role is not a staff role
 * gets a well-formed token nobody issued (so the API answers 401).
 */
export class TestTokens {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly roles = new Map<string, string>();

  constructor(private readonly db: Db) {}

  tokenFor(actor: Actor): Promise<string> {
    if (!staffMemberSchema.shape.role.safeParse(actor.role).success) return Promise.resolve(`pst_000000000000_${'x'.repeat(43)}`);
    const known = this.roles.get(actor.id);
    if (known && known !== actor.role) throw new Error(`test actor ${actor.id} used as both ${known} and ${actor.role}`);
    this.roles.set(actor.id, actor.role);
    const key = `${actor.id}|${actor.role}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = addStaffMember(this.db, { id: actor.id, name: actor.id, role: actor.role }).then((t) => t.token);
      this.tokens.set(key, token);
    }
    return token;
  }

  async headersOf(actor?: Actor): Promise<Record<string, string>> {
    return actor ? { Authorization: `Bearer ${await this.tokenFor(actor)}` } : {};
  }
}

/** The API's clock is the test server's, so due times agree with the workflow's after skipped time. */
export async function startStaffHttp(sys: TimeSkippingSystem, defaultActor: Actor): Promise<StaffHttp> {
  const unexpected: unknown[] = [];
  const requests: Record<string, unknown>[] = [];
  const tokens = new TestTokens(sys.db);
  const server = await startApiServer(
    {
      client: sys.env.client,
      db: sys.db,
      calendar: testCalendar(),
      taskQueue,
      now: async () => new Date(await sys.env.currentTimeMs()),
      log: (entry) => unexpected.push(entry),
      requestLog: (entry) => requests.push(entry),
      payloadCodec: new AesGcmPayloadCodec(loadPayloadKeys()),
    },
    0,
  );
  async function request<T>(method: string, path: string, actor?: Actor, body?: unknown, raw?: string, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(await tokens.headersOf(actor)), ...(body !== undefined || raw !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T, headers: res.headers };
  }
  return {
    server,
    tokens,
    requests,
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
  useScenarioHooks(() => ctx.sys);
  afterEach(() => {
    expect(ctx.http.unexpected).toEqual([]);
  });
  return ctx;
}

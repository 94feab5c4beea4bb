/**
 * Owner data in Temporal: payloads are ciphertext in the case's history, and
 * the Temporal UI's codec endpoint (`/codec`) decodes them for customer
 * service and above only, logging who read which case.
 */
import { temporal } from '@temporalio/proto';
import { manager } from './support/complaintScenario';
import { useStaffHttp } from './support/http';
import { csr, supervisor, technician } from './support/scenario';
import type { Actor } from '../workflows/lib/roles';
import { addStaffMember } from '../api/staffTokens';

const ctx = useStaffHttp(csr);

type JsonPayload = { metadata: Record<string, string>; data: string };
const uiOrigin = 'http://localhost:8233';

/** The start event's input payloads, as the Temporal server holds them (what the UI receives). */
async function startPayloads(workflowId: string): Promise<JsonPayload[]> {
  const { history } = await ctx.sys.env.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  const started = history?.events?.find((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  return (started?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []).map((p) => ({
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  }));
}

const decodedText = (payloads: JsonPayload[]) => payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');

async function openRepair(): Promise<{ caseId: string; workflowId: string }> {
  const reply = await ctx.http.post<{ caseId: string; workflowId: string }>('/repairs', csr, { unit: '5-1-702', ownerName: '欧阳娜娜', ownerPhone: '13712345678', fault: '卫生间地漏反味', channel: 'phone' });
  expect(reply.status).toBe(201);
  return reply.body;
}

const decode = (actor: Actor | undefined, payloads: JsonPayload[], headers: Record<string, string> = {}) =>
  ctx.http.request<{ payloads: JsonPayload[]; code?: string }>('POST', '/codec/decode', actor, { payloads }, undefined, headers);

describe('owner data in Temporal', () => {
  it("a repair's input is ciphertext in Temporal; a supervisor decodes it through /codec, and the decode is logged against the case", async () => {
    const { caseId, workflowId } = await openRepair();
    const stored = await startPayloads(workflowId);
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]?.metadata['encoding'] ?? '', 'base64').toString()).toBe('binary/encrypted');
    expect(decodedText(stored)).not.toContain('13712345678');
    expect(decodedText(stored)).not.toContain('欧阳娜娜');

    const reply = await decode(supervisor, stored);
    expect(reply.status).toBe(200);
    expect(Buffer.from(reply.body.payloads[0]?.metadata['encoding'] ?? '', 'base64').toString()).toBe('json/plain');
    expect(decodedText(reply.body.payloads)).toContain('13712345678');
    const logged = await ctx.sys.db.payloadDecodeLog.findMany({ where: { actorId: supervisor.id } });
    expect(logged.map((l) => [l.actorRole, l.caseIds, l.payloads])).toContainEqual(['supervisor', caseId, 1]);
  });

  it("another centre's supervisor gets the case's payloads back as ciphertext; the executive reads every centre's", async () => {
    const { caseId, workflowId } = await openRepair();
    const stored = await startPayloads(workflowId);
    await ctx.sys.db.centre.upsert({ where: { id: 'north' }, create: { id: 'north', name: '北区服务中心' }, update: {} });
    const northSupervisor: Actor = { id: 'sup-north-codec', role: 'supervisor' };
    await addStaffMember(ctx.sys.db, { id: northSupervisor.id, name: northSupervisor.id, role: 'supervisor' }, '', ['north']);
    const refused = await decode(northSupervisor, stored);
    expect(refused.status).toBe(200);
    expect(Buffer.from(refused.body.payloads[0]?.metadata['encoding'] ?? '', 'base64').toString()).toBe('binary/encrypted');
    expect(decodedText(refused.body.payloads)).not.toContain('13712345678');
    const logged = await ctx.sys.db.payloadDecodeLog.findMany({ where: { actorId: northSupervisor.id } });
    expect(logged.map((l) => [l.caseIds, l.payloads])).toEqual([['', 0]]);
    const executive: Actor = { id: 'exec-codec', role: 'executive' };
    const read = await decode(executive, stored);
    expect(decodedText(read.body.payloads)).toContain('13712345678');
    expect((await ctx.sys.db.payloadDecodeLog.findMany({ where: { actorId: executive.id } })).map((l) => l.caseIds)).toEqual([caseId]);
  });

  it('a technician or another department gets 403, no token 401, and nothing is decoded or logged for them', async () => {
    const { workflowId } = await openRepair();
    const stored = await startPayloads(workflowId);
    expect((await decode(technician, stored)).status).toBe(403);
    expect((await decode({ id: 'clean-he', role: 'department' }, stored)).status).toBe(403);
    expect((await decode(undefined, stored)).status).toBe(401);
    expect(await ctx.sys.db.payloadDecodeLog.count({ where: { actorId: { in: [technician.id, 'clean-he'] } } })).toBe(0);
    // The Temporal CLI sends `{}` for no payloads (proto JSON leaves an empty list out).
    expect(await ctx.http.request('POST', '/codec/decode', supervisor, {})).toMatchObject({ status: 200, body: { payloads: [] } });
  });

  it('a manager signs in once for the Temporal UI: the cookie is HttpOnly for /codec, and the UI origin may call it with credentials; another origin may not', async () => {
    const { workflowId } = await openRepair();
    const stored = await startPayloads(workflowId);
    const token = (await ctx.http.tokens.headersOf(manager)).Authorization?.replace('Bearer ', '') ?? '';
    const signIn = await fetch(`${ctx.http.server.url}/codec/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}` });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^pst_codec=.+; Path=\/codec; HttpOnly; SameSite=Strict/);
    const preflight = await fetch(`${ctx.http.server.url}/codec/decode`, { method: 'OPTIONS', headers: { Origin: uiOrigin, 'Access-Control-Request-Method': 'POST' } });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin'), preflight.headers.get('access-control-allow-credentials')]).toEqual([204, uiOrigin, 'true']);
    const fromUi = await decode(undefined, stored, { Cookie: cookie.split(';')[0] ?? '', Origin: uiOrigin });
    expect([fromUi.status, fromUi.headers.get('access-control-allow-origin')]).toEqual([200, uiOrigin]);
    expect(decodedText(fromUi.body.payloads)).toContain('13712345678');
    // The cookie holds a token of its own, never the manager's; signing out ends it.
    expect(decodeURIComponent(cookie.split(';')[0]?.split('=')[1] ?? '')).not.toBe(token);
    const signOut = await fetch(`${ctx.http.server.url}/codec/sign-out`, { method: 'POST', headers: { Cookie: cookie.split(';')[0] ?? '' } });
    expect(signOut.status).toBe(204);
    expect((await decode(undefined, stored, { Cookie: cookie.split(';')[0] ?? '', Origin: uiOrigin })).status).toBe(401);
    expect((await decode(manager, stored)).status).toBe(200);
    const elsewhere = await fetch(`${ctx.http.server.url}/codec/decode`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
    expect([elsewhere.status, elsewhere.headers.get('access-control-allow-origin')]).toEqual([403, null]);
    const technicianToken = (await ctx.http.tokens.headersOf(technician)).Authorization?.replace('Bearer ', '') ?? '';
    const refused = await fetch(`${ctx.http.server.url}/codec/sign-in`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(technicianToken)}` });
    expect([refused.status, refused.headers.get('set-cookie')]).toEqual([403, null]);
  });
});

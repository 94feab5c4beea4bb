/**
 * The permission table enforced on every route, generated from the table
 * itself: for every entry, every role not in it gets 403 Forbidden and every
 * role in it gets past the check (to the input check, 400). A forbidden action
 * on a real case changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { type Permission, permissionTable } from '../api/permissions';
import { contracts, type Procedure, procedures } from '../workflows/registry';
import { type Actor, type Role, roles } from '../workflows/lib/roles';
import { type ErrorReply, type Reply, useStaffHttp } from './support/http';
import { csr, eventually } from './support/scenario';

const ctx = useStaffHttp(csr);

const staffOf = (role: Role): Actor => ({ id: `perm-${role}`, role });
const tooLongUnit = 'x'.repeat(41);

/** How to call the route of each entry so that, past the role check, its input is refused (400). */
function probeOf(area: string, action: string): (actor: Actor) => Promise<Reply<ErrorReply>> {
  const { request } = ctx.http;
  if ((procedures as string[]).includes(area)) {
    const base = contracts[area as Procedure].basePath;
    if (action === 'open') return (actor) => request('POST', area === 'communityEvent' ? `${base}/plans` : base, actor, { unexpected: 1 });
    const caseId = `${contracts[area as Procedure].prefix}20261122-ABC123`;
    return (actor) => request('POST', `${base}/${caseId}/actions/${action}`, actor, { unexpected: 1 });
  }
  const others: Record<string, (actor: Actor) => Promise<Reply<ErrorReply>>> = {
    'keyRegister.add': (actor) => request('POST', '/keys', actor, { unexpected: 1 }),
    'keyRegister.list': (actor) => request('GET', '/keys?unexpected=1', actor),
    'ownerArchive.read': (actor) => request('GET', `/archives/${tooLongUnit}`, actor),
    'ownerArchive.file': (actor) => request('POST', '/archives/3-1-101/entries', actor, { unexpected: 1 }),
    'ownerArchive.readLog': (actor) => request('GET', `/archives/${tooLongUnit}/reads`, actor),
    'cases.read': (actor) => request('GET', '/cases/not-a-receipt', actor),
    'cases.list': (actor) => request('GET', '/cases?unexpected=1', actor),
    'cases.inbox': (actor) => request('GET', '/inbox?unexpected=1', actor),
    'cases.reassign': (actor) => request('POST', '/cases/reassign', actor, { unexpected: 1 }),
    'cases.stuck': (actor) => request('GET', '/cases/stuck?unexpected=1', actor),
    'reports.monthly': (actor) => request('GET', '/reports/monthly?month=2026-13', actor),
    'reports.handOver': (actor) => request('POST', '/reports/monthly/2026-13/handover', actor, {}),
    'reports.acknowledge': (actor) => request('POST', '/reports/monthly/2026-13/acknowledge', actor, {}),
  };
  const probe = others[`${area}.${action}`];
  if (!probe) throw new Error(`no route probe for permission ${area}.${action}: add one here`);
  return probe;
}

const entries = Object.entries(permissionTable).flatMap(([area, actions]) =>
  Object.entries(actions as Record<string, Permission>).map(([action, perm]) => ({ area, action, perm })),
);

describe('the permission table, on every route', () => {
  it.each(entries.map((e) => [`${e.area}.${e.action}`, e] as const))('%s: roles outside the table get 403, roles in it get past the check', async (_name, { area, action, perm }) => {
    const probe = probeOf(area, action);
    for (const role of roles) {
      const reply = await probe(staffOf(role));
      if (perm.roles.includes(role)) {
        expect([role, reply.status, reply.body.code]).toEqual([role, 400, expect.stringMatching(/^InvalidInput$|^BadRequest$/)]);
      } else {
        expect([role, reply.status, reply.body.code]).toEqual([role, 403, 'Forbidden']);
        expect(reply.body.message).toContain(perm.label);
      }
    }
  });

  it('GET /permissions answers the same table the routes enforce', async () => {
    const reply = await ctx.http.get('/permissions', staffOf('csr'));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(JSON.parse(JSON.stringify(permissionTable)));
  });
});

describe('a forbidden action on a real case', () => {
  it('changes nothing: every repair action refused for every role outside the table leaves the state and the history as they were', async () => {
    const opened = await ctx.http.post<{ caseId: string }>('/repairs', csr, {
      unit: `3-2-${randomUUID().slice(0, 6)}`,
      ownerName: '张先生',
      ownerPhone: '13800000000',
      channel: 'phone',
      fault: '厨房水龙头漏水',
    });
    expect(opened.status).toBe(201);
    const { caseId } = opened.body;
    const history = () => ctx.http.get<{ steps: unknown[]; deadlines: unknown[] }>(`/repairs/${caseId}/history`);
    const before = await eventually(async () => {
      const h = await history();
      // Registered: the workflow's own first step is on record.
      return h.status === 200 && (h.body.steps as { action: string }[]).some((st) => st.action === 'register') ? h.body : undefined;
    });
    const stateBefore = (await ctx.http.get(`/repairs/${caseId}`)).body;
    let refused = 0;
    for (const [action, perm] of Object.entries(permissionTable.repair)) {
      if (action === 'open') continue;
      for (const role of roles.filter((r) => !perm.roles.includes(r))) {
        const reply = await ctx.http.post(`/repairs/${caseId}/actions/${action}`, staffOf(role), {});
        expect([action, role, reply.status]).toEqual([action, role, 403]);
        refused += 1;
      }
    }
    expect(refused).toBeGreaterThan(20);
    expect((await history()).body.steps).toEqual(before.steps);
    expect((await ctx.http.get(`/repairs/${caseId}`)).body).toEqual(stateBefore);
  });
});

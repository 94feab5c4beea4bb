/**
 * A stuck case is never silent: a case whose workflow task keeps failing is
 * listed for supervisors (GET /cases/stuck and /readyz), and the supervisors
 * are told once. The poison here is a real one: a message to the case
 * encrypted with a key this worker does not have, so every task fails.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { payloadDataConverter } from '../worker/payloadCodec';
import { findStuckCases, tellSupervisorsOnce } from '../worker/stuckCases';
import { useStaffHttp } from './support/http';
import { csr, eventually, supervisor, technician } from './support/scenario';

const ctx = useStaffHttp(csr);
const MINUTE = 60_000;

describe('a case whose workflow task keeps failing', () => {
  it('is listed for supervisors once past its next clock moment, in /readyz too, and the supervisors are told once; a healthy case is not listed', async () => {
    const healthy = await ctx.http.post<{ caseId: string }>('/repairs', csr, { unit: '8-1-101', ownerName: '孙女士', ownerPhone: '13600000001', fault: '门铃不响', channel: 'phone' });
    const poisoned = await ctx.http.post<{ caseId: string; workflowId: string }>('/repairs', csr, { unit: '8-1-102', ownerName: '周先生', ownerPhone: '13600000002', fault: '空调滴水', channel: 'phone' });
    expect([healthy.status, poisoned.status]).toEqual([201, 201]);
    const { caseId, workflowId } = poisoned.body;
    await eventually(async () => (await ctx.sys.db.case.findUnique({ where: { id: caseId } }))?.wakeAt != null);
    expect((await ctx.sys.db.case.findUniqueOrThrow({ where: { id: healthy.body.caseId } })).wakeAt).not.toBeNull();

    const foreign = new Client({
      connection: ctx.sys.testEnv.connection,
      namespace: 'default',
      dataConverter: payloadDataConverter({ activeKeyId: 'elsewhere', keys: new Map([['elsewhere', randomBytes(32)]]) }),
    });
    await ctx.sys.env.settle(workflowId);
    ctx.sys.env.abandon(workflowId);
    await foreign.workflow.getHandle(workflowId).signal('repair.note', { text: '另一套系统的消息' });

    // Its workflow task fails from now on. The test server cannot skip time while a task is outstanding,
    // so the check runs at a moment 10 minutes on (past both cases' first clock moment, the take-up warning).
    await eventually(async () => (await ctx.sys.env.client.workflow.getHandle(workflowId).fetchHistory()).events?.some((e) => e.workflowTaskFailedEventAttributes));
    const later = new Date((await ctx.sys.env.currentTimeMs()) + 10 * MINUTE);
    const stuck = await findStuckCases(ctx.sys.db, ctx.sys.env.client, later);
    expect(stuck.map((s) => s.caseId)).toEqual([caseId]);
    expect(stuck[0]?.attempt).toBeGreaterThanOrEqual(2);
    expect(stuck[0]?.failure).toContain('elsewhere');
    expect(await findStuckCases(ctx.sys.db, ctx.sys.env.client, new Date(await ctx.sys.env.currentTimeMs()))).toEqual([]);

    // The API reads the server's own clock: the poisoned case's row says it should have woken 10 minutes ago.
    await ctx.sys.db.case.update({ where: { id: caseId }, data: { wakeAt: new Date((await ctx.sys.env.currentTimeMs()) - 10 * MINUTE) } });
    const listed = await ctx.http.get<{ total: number; items: { caseId: string }[] }>('/cases/stuck', supervisor);
    expect([listed.status, listed.body.items.map((i) => i.caseId)]).toEqual([200, [caseId]]);
    expect((await ctx.http.get('/cases/stuck', technician)).status).toBe(403);
    const ready = await ctx.http.get<{ stuckCases: string[] }>('/readyz', undefined);
    expect(ready.body.stuckCases).toEqual([caseId]);

    expect(await tellSupervisorsOnce(ctx.sys.db, ctx.sys.channel, stuck)).toBe(1);
    expect(await tellSupervisorsOnce(ctx.sys.db, ctx.sys.channel, stuck)).toBe(0);
    const told = ctx.sys.channel.sent.filter((m) => m.recipient === 'role:supervisor' && m.text.includes('工单停滞'));
    expect(told.map((m) => m.caseId)).toEqual([caseId]);
  });
});

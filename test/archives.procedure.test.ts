/**
 * Owner-file access and monthly filing (DOMAIN.md §5) on the time-skipping
 * server: direct reads by customer service, a department's permission, a file
 * taken out and not back the same day, and the monthly inventory.
 */
import { randomUUID } from 'node:crypto';
import { type MonthlyFilingOutcome, type MonthlyFilingReport, monthlyFilingCaseId, monthlyFilingContract, monthlyFilingState, monthlyFilingUpdates } from '../workflows/monthlyFiling/monthlyFiling.messages';
import { cleaning, manager } from './support/complaintScenario';
import { accessIdOf, accessOf, actOnAccess, openArchiveAccess } from './support/custodyScenario';
import {
  clockTo,
  csr,
  clockEvents,
  eventually,
  local,
  localDate,
  nextLocal,
  rejectionOf,
  resultOf,
  supervisor,
  technician as technicianActor,
  testCalendar,
} from './support/scenario';
import { taskQueue, useTimeSkippingSystem } from './support/temporal';

const system = useTimeSkippingSystem();


describe('viewing', () => {
  it('a csr viewing a file is logged and needs no approval', async () => {
    const h = await openArchiveAccess(system().env, csr);
    const result = await resultOf(h);
    expect(result.outcome).toBe('done');
    const audit = await system().db.auditEntry.findMany({ where: { caseId: accessIdOf(h) }, orderBy: { seq: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['request', 'close']);
    expect((JSON.parse(audit[0]?.detail ?? '{}') as { direct?: boolean }).direct).toBe(true);
  });

  it('another department views only with the supervisor\'s permission, which lapses at the close of the day', async () => {
    const tue10 = await nextLocal(system().env, 2, '10:00');
    await clockTo(system().env, tue10);
    const h = await openArchiveAccess(system().env, cleaning);
    const caseId = accessIdOf(h);
    await eventually(() => system().channel.sent.find((m) => m.caseId === caseId && m.recipient === 'role:supervisor'));
    expect(await rejectionOf(actOnAccess(h, 'permit', csr, { approved: true }))).toBe('Forbidden');
    expect(await system().db.archiveAccessGrant.count({ where: { caseId } })).toBe(0);
    const view = await actOnAccess(h, 'permit', supervisor, { approved: true, comment: '' });
    expect(view.stage).toBe('viewing');
    expect(view.accessUntil).toBe(local(`${localDate(tue10)}T17:30`).toISOString());
    const grant = await system().db.archiveAccessGrant.findUnique({ where: { caseId } });
    expect([grant?.grantee, grant?.revokedAt]).toEqual([cleaning.id, null]);
    await clockTo(system().env, local(`${localDate(tue10)}T18:00`));
    const result = await resultOf(h);
    expect(result.outcome).toBe('done');
    expect((await system().db.archiveAccessGrant.findUnique({ where: { caseId } }))?.revokedAt).not.toBeNull();
  });
});

describe('taking a file out', () => {
  it('a file taken out and not back by the close is breached to the supervisor and escalated to the manager an hour later', async () => {
    const wed10 = await nextLocal(system().env, 3, '10:00');
    await clockTo(system().env, wed10);
    const h = await openArchiveAccess(system().env, csr, { kind: 'takeOut' });
    const caseId = accessIdOf(h);
    expect(await rejectionOf(actOnAccess(h, 'approve', manager, { approved: true }))).toBe('InvalidStage');
    await actOnAccess(h, 'report', supervisor, { recommend: true, report: '工程部核对图纸需调出' });
    expect(await rejectionOf(actOnAccess(h, 'approve', supervisor, { approved: true }))).toBe('Forbidden');
    const out = await actOnAccess(h, 'approve', manager, { approved: true, comment: '当日归还' });
    expect(out.stage).toBe('out');
    expect(out.clocks.find((c) => c.name === 'return')?.dueAt).toBe(local(`${localDate(wed10)}T17:30`).toISOString());

    await clockTo(system().env, local(`${localDate(wed10, 1)}T10:00`));
    const events = await eventually(async () => {
      const all = await clockEvents(system().db, caseId, 'return');
      return all.some((e) => e.kind === 'escalated') ? all : undefined;
    });
    expect(events.filter((e) => e.kind === 'breached' || e.kind === 'escalated').map((e) => [e.kind, e.recipient, e.at.toISOString()])).toEqual([
      ['breached', 'role:supervisor', local(`${localDate(wed10)}T17:30`).toISOString()],
      ['escalated', 'role:manager', local(`${localDate(wed10)}T18:30`).toISOString()],
    ]);
    expect(events.filter((e) => e.kind === 'warning').map((e) => e.recipient)).toEqual(['role:csr', 'role:csr']);
    await actOnAccess(h, 'recordReturn', csr, { complete: true, note: '' });
    const result = await resultOf(h);
    expect([result.outcome, result.view.breached]).toEqual(['done', true]);
  });

  it('a loan outside the company refused by the manager ends without access', async () => {
    const h = await openArchiveAccess(system().env, cleaning, { kind: 'lendOutside', recipient: '街道办' });
    await actOnAccess(h, 'report', supervisor, { recommend: true, report: '街道办核查' });
    await actOnAccess(h, 'approve', manager, { approved: false, comment: '须业主书面同意' });
    expect((await resultOf(h)).outcome).toBe('rejected');
    expect(await system().db.archiveAccessGrant.count({ where: { caseId: accessIdOf(h) } })).toBe(0);
    expect((await accessOf(h)).stage).toBe('rejected');
  });
});

describe('monthly filing (run as its schedule would)', () => {
  it('on the 1st the csr and the supervisor are reminded to file by the 5th, with what each household filed the month before', async () => {
    const now = new Date(await system().env.currentTimeMs());
    const local8 = new Date(now.getTime() + 8 * 3600_000);
    const [y, m] = [local8.getUTCFullYear(), local8.getUTCMonth()];
    const firstOfNext = new Date(Date.UTC(y, m + 1, 1, 9, 0) - 8 * 3600_000); // the 1st of next month, 09:00 local
    const inMonth = (day: number) => new Date(Date.UTC(y, m, day, 4, 0)); // 12:00 local on `day` of this month
    const [a, b] = [`6-${randomUUID().slice(0, 6)}`, `6-${randomUUID().slice(0, 6)}`];
    const entry = (unit: string, kind: string, filedAt: Date) => ({
      unit,
      kind,
      ref: randomUUID(),
      summary: kind,
      content: '{}',
      filedAt,
      filedBy: 'csr-li',
      requestKey: randomUUID(),
    });
    await system().db.ownerFileEntry.createMany({
      data: [
        entry(a, 'repair', inMonth(2)),
        entry(a, 'repair', inMonth(20)),
        entry(a, 'complaint', inMonth(21)),
        entry(b, 'renovation', inMonth(1)),
        entry(b, 'repair', new Date(firstOfNext.getTime() + 3600_000)), // filed in the new month: not counted
      ],
    });
    await clockTo(system().env, firstOfNext);
    const run = await system().env.client.workflow.start('monthlyFiling', {
      taskQueue,
      workflowId: `monthly-filing-test-${randomUUID()}`,
      args: [{ calendar: testCalendar() }],
    });
    const report = (await run.result()) as MonthlyFilingReport;
    expect(report.month).toBe(`${y}-${String(m + 1).padStart(2, '0')}`);
    expect(report.dueBy).toBe(`${localDate(firstOfNext).slice(0, 8)}05`);
    expect(report.lines.find((l) => l.unit === a)).toEqual({ unit: a, total: 3, byKind: { complaint: 1, repair: 2 } });
    expect(report.lines.find((l) => l.unit === b)).toEqual({ unit: b, total: 1, byKind: { renovation: 1 } });
    for (const recipient of ['role:csr', 'role:supervisor']) {
      const sent = system().channel.sent.filter((s) => s.caseId === null && s.recipient === recipient);
      expect(sent.map((s) => s.text)).toEqual([expect.stringContaining('月度归档提醒'), expect.stringContaining('客户档案资料明细表')]);
      expect(sent[0]?.text).toContain(report.dueBy);
      expect(sent[1]?.text).toContain(`${a} 3 份（投诉记录 1，报修记录 2）`);
    }

    // The month's filing case: the csr's clock, due at the end of the 5th (never a second early), missed → the supervisor.
    const dueBy = report.dueBy;
    const filing = system().env.client.workflow.getHandle(monthlyFilingContract.workflowId(monthlyFilingCaseId(dueBy)));
    const view = await eventually(async () => {
      const v = await filing.query(monthlyFilingState).catch(() => undefined);
      return v && v.clocks.length > 0 ? v : undefined;
    });
    expect([view.stage, view.month, view.expected.entries >= 4]).toEqual(['filing', report.month, true]);
    const endOfThe5th = new Date(local(`${dueBy}T00:00`).getTime() + 24 * 3600_000);
    expect(view.clocks.find((c) => c.name === 'filing')).toMatchObject({ owner: 'role:csr', dueAt: endOfThe5th.toISOString() });
    await clockTo(system().env, new Date(endOfThe5th.getTime() + 10 * 60_000));
    const caseId = monthlyFilingCaseId(dueBy);
    const events = await eventually(async () => {
      const e = await system().db.deadlineEvent.findMany({ where: { caseId, clock: 'filing' }, orderBy: { id: 'asc' } });
      return e.some((x) => x.kind === 'breached') ? e : undefined;
    });
    expect(events.find((e) => e.kind === 'breached')).toMatchObject({ recipient: 'role:supervisor', at: endOfThe5th });
    expect(await rejectionOf(filing.executeUpdate(monthlyFilingUpdates.recordFiling, { args: [{ actor: technicianActor, input: { households: 2, entries: 4 } }] }))).toBe('Forbidden');
    const filed = await filing.executeUpdate(monthlyFilingUpdates.recordFiling, { args: [{ actor: csr, input: { households: 2, entries: 4, note: '明细表已更新' } }] });
    expect(filed.filed).toMatchObject({ households: 2, entries: 4, by: csr.id });
    expect((await resultOf<MonthlyFilingOutcome>(filing)).outcome).toBe('filed');
  });
});

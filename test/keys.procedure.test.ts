/**
 * Key custody (DOMAIN.md §4) on the time-skipping server: same-day return with
 * reminders and escalation, emergency loans, sealed keys, damaged returns and
 * replacement, the register refusing a second loan, the weekly audit.
 */
import { expectedFinding, keyCheckContract, keyCheckState, keyCheckUpdates, type KeyFinding, weeklyKeyCheckCaseId } from '../workflows/keys/keyCheck.messages';
import { clockTo, csr, eventsUntil as eventsUntilIn, eventually, expectSameInstant, fridayLocal, HOUR, local, localDate, MINUTE, nextLocal, rejectionOf, resultOf, supervisor, testCalendar } from './support/scenario';
import { manager } from './support/complaintScenario';
import { actOnLoan, actOnReplacement, keyInCabinet, loanIdOf, loanOf, openLoan, replacementHandle, replacementOf } from './support/custodyScenario';
import { taskQueue, useTimeSkippingSystem } from './support/temporal';

const system = useTimeSkippingSystem();


const keyStatus = async (id: string) => (await system().db.key.findUnique({ where: { id } }))?.status;


const eventsUntil = (caseId: string, clock: string, kind: string) => eventsUntilIn(system().db, caseId, clock, kind);

describe('same-day return', () => {
  it('a key lent at Friday 16:00 is chased before the close, breached at 17:30 to the supervisor, and reaches the manager at 18:30 the same evening', async () => {
    const friday16 = await nextLocal(system().env, fridayLocal, '16:00');
    await clockTo(system().env, friday16);
    const key = await keyInCabinet(system().db);
    const h = await openLoan(system().env, key);
    const caseId = loanIdOf(h);
    const lent = await eventually(async () => ((await loanOf(h)).stage === 'onLoan' && (await keyStatus(key.id)) === 'onLoan' ? loanOf(h) : undefined));
    expect(lent.clocks.find((c) => c.name === 'return')?.dueAt).toBe(local(`${localDate(friday16)}T17:30`).toISOString());
    const ledger = await system().db.keyLoan.findUnique({ where: { caseId } });
    expect([ledger?.openKeyId, ledger?.signatureRef]).toEqual([key.id, `sig-${caseId}`]);

    await clockTo(system().env, local(`${localDate(friday16)}T19:00`));
    const events = await eventsUntil(caseId, 'return', 'escalated');
    const timed = events.filter((e) => ['warning', 'breached', 'escalated'].includes(e.kind));
    expect(timed.map((e) => [e.kind, e.recipient])).toEqual([
      ['warning', 'staff:csr-li'],
      ['warning', 'staff:csr-li'],
      ['breached', 'role:supervisor'],
      ['escalated', 'role:manager'],
    ]);
    // Reminders at 50% and 80% of the time from the loan to the close (about 16:45 and 17:12).
    const lentAt = new Date(lent.loanedAt as string).getTime();
    const close = local(`${localDate(friday16)}T17:30`).getTime();
    expectSameInstant(timed[0]?.at, new Date(lentAt + 0.5 * (close - lentAt)));
    expectSameInstant(timed[1]?.at, new Date(lentAt + 0.8 * (close - lentAt)));
    expect(timed[2]?.at.toISOString()).toBe(new Date(close).toISOString());
    expect(timed[3]?.at.toISOString()).toBe(local(`${localDate(friday16)}T18:30`).toISOString());
    expect(system().channel.sent.some((m) => m.caseId === caseId && m.recipient === 'role:manager' && m.text.includes('超时'))).toBe(true);

    await actOnLoan(h, 'recordReturn', csr, { condition: 'complete', note: '完好' });
    const result = await resultOf(h);
    expect([result.outcome, result.view.breached]).toEqual(['returned', true]);
    expect(await keyStatus(key.id)).toBe('inCabinet');
    expect((await system().db.keyLoan.findUnique({ where: { caseId } }))?.openKeyId).toBeNull();
  });
});

describe('emergency loan', () => {
  it('an emergency key goes out as soon as the manager approves; paperwork missing at 24 hours is breached, then escalated an hour later', async () => {
    const key = await keyInCabinet(system().db);
    const h = await openLoan(system().env, key, { emergency: { kind: 'burstWater', note: '楼下渗水，业主不在家' } });
    const caseId = loanIdOf(h);
    await eventually(() => system().channel.sent.find((m) => m.caseId === caseId && m.recipient === 'role:manager' && m.text.includes('紧急用钥')));
    expect(await keyStatus(key.id)).toBe('inCabinet');
    expect(await rejectionOf(actOnLoan(h, 'approveEmergency', supervisor, { approved: true }))).toBe('Forbidden');
    const approved = await actOnLoan(h, 'approveEmergency', manager, { approved: true, note: '立即处理' });
    expect(approved.stage).toBe('onLoan');
    expect(await keyStatus(key.id)).toBe('onLoan');
    const lentAt = new Date(approved.loanedAt as string).getTime();
    expectSameInstant(approved.clocks.find((c) => c.name === 'paperwork')?.dueAt, new Date(lentAt + 24 * HOUR));

    await actOnLoan(h, 'recordReturn', csr, { condition: 'complete', note: '' });
    expect((await loanOf(h)).stage).toBe('awaitingPaperwork');
    await system().env.sleep(25 * HOUR + MINUTE);
    const events = await eventsUntil(caseId, 'paperwork', 'escalated');
    const late = events.filter((e) => e.kind === 'breached' || e.kind === 'escalated');
    expect(late.map((e) => [e.kind, e.recipient, Math.round((e.at.getTime() - lentAt) / MINUTE)])).toEqual([
      ['breached', 'role:supervisor', 24 * 60],
      ['escalated', 'role:manager', 25 * 60],
    ]);
    await actOnLoan(h, 'completePaperwork', csr, { borrower: '工程部 赵师傅', purpose: '关闭水阀', signatureRef: 'sig-late' });
    const result = await resultOf(h);
    expect(result.outcome).toBe('returned');
    expect((await system().db.keyLoan.findUnique({ where: { caseId } }))?.signatureRef).toBe('sig-late');
  });
});

describe('sealed keys', () => {
  it('a sealed key of a vacant unit goes out only after the supervisor approves unsealing, and is sealed again on return', async () => {
    const key = await keyInCabinet(system().db, { sealed: true });
    const h = await openLoan(system().env, key);
    await eventually(async () => ((await loanOf(h)).stage === 'awaitingUnsealApproval' ? true : undefined));
    expect(await keyStatus(key.id)).toBe('sealed');
    expect(await system().db.keyLoan.count({ where: { keyId: key.id } })).toBe(0);
    expect(await rejectionOf(actOnLoan(h, 'approveUnseal', csr, { approved: true, reason: 'x' }))).toBe('Forbidden');
    expect(await rejectionOf(actOnLoan(h, 'recordReturn', csr, { condition: 'complete' }))).toBe('InvalidStage');
    const view = await actOnLoan(h, 'approveUnseal', supervisor, { approved: true, reason: '空置房例行检查' });
    expect(view.stage).toBe('onLoan');
    expect(await keyStatus(key.id)).toBe('onLoan');
    await actOnLoan(h, 'recordReturn', csr, { condition: 'complete', note: '' });
    expect((await resultOf(h)).outcome).toBe('returned');
    expect(await keyStatus(key.id)).toBe('sealed');
  });

  it('a rejected unseal ends the loan and the key stays sealed', async () => {
    const key = await keyInCabinet(system().db, { sealed: true });
    const h = await openLoan(system().env, key);
    await actOnLoan(h, 'approveUnseal', supervisor, { approved: false, reason: '理由不充分' });
    const result = await resultOf(h);
    expect(result.outcome).toBe('rejected');
    expect(await keyStatus(key.id)).toBe('sealed');
    expect(await system().db.keyLoan.count({ where: { keyId: key.id } })).toBe(0);
    expect(system().channel.sent.some((m) => m.caseId === result.caseId && m.recipient === 'staff:csr-li' && m.text.includes('理由不充分'))).toBe(true);
  });
});

describe('damaged return and replacement', () => {
  it('a key returned damaged opens a replacement that changes the register only after the manager approves', async () => {
    const key = await keyInCabinet(system().db);
    const h = await openLoan(system().env, key);
    await eventually(async () => ((await keyStatus(key.id)) === 'onLoan' ? true : undefined));
    const returned = await actOnLoan(h, 'recordReturn', csr, { condition: 'damaged', note: '钥匙齿断裂' });
    expect(returned.replacementCaseId).toBeDefined();
    expect((await resultOf(h)).outcome).toBe('returned');
    expect(await keyStatus(key.id)).toBe('damaged');

    const r = replacementHandle(system().env, returned.replacementCaseId as string);
    await eventually(async () => ((await replacementOf(r)).stage === 'supervisorReview' ? true : undefined));
    expect(await rejectionOf(actOnReplacement(r, 'approve', manager, { approved: true }))).toBe('InvalidStage');
    expect(await rejectionOf(actOnReplacement(r, 'review', csr, { approved: true }))).toBe('Forbidden');
    await actOnReplacement(r, 'review', supervisor, { approved: true, comment: '同意补配' });
    expect(await keyStatus(key.id)).toBe('damaged');
    expect(await system().db.keyRegisterChange.count({ where: { keyId: key.id } })).toBe(0);
    await actOnReplacement(r, 'approve', manager, { approved: true, comment: '批准' });
    const result = await r.result();
    expect([result.outcome, result.view.fromLoan]).toEqual(['approved', loanIdOf(h)]);
    expect(await keyStatus(key.id)).toBe('inCabinet');
    const change = await system().db.keyRegisterChange.findFirst({ where: { keyId: key.id } });
    expect([change?.fromStatus, change?.toStatus, change?.approvedBy]).toEqual(['damaged', 'inCabinet', manager.id]);
  });
});

describe('one loan per key', () => {
  it('a second loan of a key already out is refused by the ledger, and the first loan is untouched', async () => {
    const key = await keyInCabinet(system().db);
    const first = await openLoan(system().env, key);
    await eventually(async () => ((await keyStatus(key.id)) === 'onLoan' ? true : undefined));
    const second = await openLoan(system().env, { ...key, status: 'inCabinet' }, { borrower: '秩序部 钱队长' });
    const refused = await second.result();
    expect(refused.outcome).toBe('refused');
    expect(refused.view.refusal).toContain('已借出');
    expect(await system().db.keyLoan.count({ where: { keyId: key.id } })).toBe(1);
    expect((await system().db.key.findUnique({ where: { id: key.id } }))?.holder).toBe('工程部 赵师傅');
    await actOnLoan(first, 'recordReturn', csr, { condition: 'complete', note: '' });
    expect((await first.result()).outcome).toBe('returned');
  });
});

describe('weekly key audit (run as its schedule would)', () => {
  it('sends the week\'s usage to the supervisor and a missing or lost key to the manager at once', async () => {
    const ghost = await keyInCabinet(system().db);
    await system().db.key.update({ where: { id: ghost.id }, data: { status: 'onLoan', holder: '无人登记' } }); // register says out, ledger has no loan
    const lostKey = await keyInCabinet(system().db);
    const h = await openLoan(system().env, lostKey);
    await eventually(async () => ((await keyStatus(lostKey.id)) === 'onLoan' ? true : undefined));
    await actOnLoan(h, 'recordReturn', csr, { condition: 'lost', note: '借用人遗失' });
    await resultOf(h);

    const run = await system().env.client.workflow.start('weeklyKeyAudit', {
      taskQueue,
      workflowId: `weekly-key-audit-test-${Date.now()}`,
      args: [{ calendar: testCalendar() }],
    });
    const report = (await run.result()) as { missing: { keyId: string; problem: string }[]; loansInWeek: number; keys: number };
    expect(report.missing).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyId: ghost.id, problem: 'onLoanWithoutLoan' }),
        expect.objectContaining({ keyId: lostKey.id, problem: 'lost' }),
      ]),
    );
    expect(report.loansInWeek).toBeGreaterThanOrEqual(1);
    const toSupervisor = system().channel.sent.filter((m) => m.caseId === null && m.recipient === 'role:supervisor' && m.text.includes('每周钥匙盘点'));
    expect(toSupervisor).toHaveLength(1);
    expect(toSupervisor[0]?.text).toContain(`本周借用 ${report.loansInWeek} 次`);
    const toManager = system().channel.sent.filter((m) => m.caseId === null && m.recipient === 'role:manager');
    expect(toManager).toHaveLength(1);
    expect(toManager[0]?.text).toContain(ghost.id);
    expect(toManager[0]?.text).toContain(lostKey.id);

    // Then the physical check (对照查验): a case for the front-desk csr, due the same day; every key at its hook.
    const check = system().env.client.workflow.getHandle(keyCheckContract.workflowId(weeklyKeyCheckCaseId(localDate(new Date(await system().env.currentTimeMs())))));
    const view = await eventually(async () => {
      const v = await check.query(keyCheckState).catch(() => undefined);
      return v && v.clocks.length > 0 ? v : undefined;
    });
    expect(view.checklist.map((k) => k.keyId)).toEqual(expect.arrayContaining([ghost.id, lostKey.id]));
    expect(view.clocks.find((c) => c.name === 'check')?.owner).toBe('role:csr');
    const asRegistered = view.checklist.map((k) => ({ keyId: k.keyId, found: expectedFinding[k.status][0] }));
    const recordCheck = (results: { keyId: string; found: KeyFinding; note?: string }[]) => check.executeUpdate(keyCheckUpdates.recordKeyCheck, { args: [{ actor: csr, input: { results } }] });
    // Keys of the checklist only, each once: a key not on it, or named twice, is refused.
    expect(await rejectionOf(recordCheck([{ keyId: '9-9-999/unitDoor', found: 'present' }]))).toBe('InvalidInput');
    expect(await rejectionOf(recordCheck([asRegistered[0], asRegistered[0]]))).toBe('InvalidInput');
    // The ghost key (registered out, no loan) is at its hook after all; the lost key stays missing as registered.
    const found = asRegistered.map((r) => (r.keyId === ghost.id ? { ...r, found: 'present' as KeyFinding, note: '实际在柜' } : r));
    // A large cabinet is recorded in batches: the check ends when every key is in.
    const firstBatch = found.filter((r) => r.keyId !== lostKey.id);
    const partly = await recordCheck(firstBatch);
    expect([partly.stage, partly.recorded.length]).toEqual(['checking', firstBatch.length]);
    expect(await rejectionOf(recordCheck(firstBatch.slice(0, 1)))).toBe('InvalidInput');
    const done = await recordCheck(found.filter((r) => r.keyId === lostKey.id));
    expect(done.stage).toBe('checked');
    expect(done.checked?.by).toBe(csr.id);
    expect(done.checked?.discrepancies.map((d) => [d.keyId, d.register, d.found])).toEqual([[ghost.id, 'onLoan', 'present']]);
    const checkId = weeklyKeyCheckCaseId(localDate(new Date(await system().env.currentTimeMs())));
    const atOnce = await eventually(() => system().channel.sent.find((m) => m.caseId === checkId && m.recipient === 'role:manager'));
    expect(atOnce.text).toContain(ghost.id);
    expect(atOnce.text).not.toContain(lostKey.id);
    expect(system().channel.sent.some((m) => m.caseId === checkId && m.recipient === 'role:supervisor' && m.text.includes('本周钥匙使用'))).toBe(true);
  });
});

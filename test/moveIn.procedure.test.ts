/**
 * The move-in procedure (DOMAIN.md §1) on the time-skipping server: the five
 * checklists with their evidence, the delegate and parking paths, defects that
 * open repairs outliving the move-in, and the stall reminder and escalation.
 */
import { repairWorkflowId } from '../workflows/repair/repair.messages';
import type { repairRequest } from '../workflows/repair/repairRequest';
import { actOnMoveIn, evidenceFor, finishStep, moveInIdOf, moveInOf, openMoveIn } from './support/moveInScenario';
import { act, clockTo, csr, eventsUntil, HOUR, local, localDate, MINUTE, nextLocal, rejectionOf, resultOf, supervisor, technician, testCalendar } from './support/scenario';
import { useTimeSkippingSystem } from './support/temporal';

const system = useTimeSkippingSystem();

describe('stall reminders', () => {
  it('a move-in started Monday 10:00 and left alone reminds the csr Thursday 10:00 and reaches the supervisor the next Monday 10:00', async () => {
    const monday10 = await nextLocal(system().env, 1, '10:00');
    await clockTo(system().env, monday10);
    const h = await openMoveIn(system().env);
    const caseId = moveInIdOf(h);
    await system().env.sleep(7 * 24 * HOUR + MINUTE);
    const events = await eventsUntil(system().db, caseId, 'stall', 'breached');
    // The test server's clock runs on in real time while the case opens: measure from the clock's start.
    const start = events[0]?.at.getTime();
    const after = (days: number) => local(`${localDate(monday10, days)}T10:00`).getTime() - monday10.getTime();
    expect(events.filter((e) => e.kind !== 'started').map((e) => [e.kind, e.recipient, e.at.getTime() - start])).toEqual([
      ['warning', 'staff:csr-li', after(3)],
      ['breached', 'role:supervisor', after(7)],
    ]);
  });

  it('every recorded item restarts the stall clock', async () => {
    const h = await openMoveIn(system().env);
    const caseId = moveInIdOf(h);
    await system().env.sleep(HOUR);
    await actOnMoveIn(h, 'recordItem', csr, evidenceFor('identity', 'moveInNotice'));
    const events = await eventsUntil(system().db, caseId, 'stall', 'started', 2);
    expect(events.map((e) => e.kind)).toEqual(['started', 'cancelled', 'started']);
  });
});

describe('the owner in person', () => {
  it('each step completes only with every item evidenced, in order; fees, keys and the file are persisted', async () => {
    const h = await openMoveIn(system().env);
    const caseId = moveInIdOf(h);
    const unit = (await moveInOf(h)).unit;
    let view = await actOnMoveIn(h, 'recordItem', csr, evidenceFor('identity', 'moveInNotice'));
    expect(view.items.identity['moveInNotice']?.checkedBy).toBe('csr-li');
    expect(view.required.identity).not.toContain('powerOfAttorney');
    expect(view.required.fees).not.toContain('parkingFee');
    // Not yet complete; no delegate here; fees wait their turn; evidence needs a number.
    expect(await rejectionOf(actOnMoveIn(h, 'completeStep', csr, { step: 'identity' }))).toBe('InvalidStage');
    expect(await rejectionOf(actOnMoveIn(h, 'recordItem', csr, evidenceFor('identity', 'powerOfAttorney')))).toBe('InvalidInput');
    expect(await rejectionOf(actOnMoveIn(h, 'recordItem', csr, evidenceFor('fees', 'garbageFee')))).toBe('InvalidStage');
    expect(await rejectionOf(actOnMoveIn(h, 'recordItem', csr, { step: 'identity', item: 'ownerId', evidence: { ref: '' } }))).toBe('InvalidInput');
    expect(await rejectionOf(actOnMoveIn(h, 'recordItem', csr, { step: 'identity', item: 'welcomeGift', evidence: { ref: 'X' } }))).toBe('InvalidInput');
    expect(await rejectionOf(actOnMoveIn(h, 'recordItem', technician, evidenceFor('identity', 'ownerId')))).toBe('Forbidden');
    view = await finishStep(h);
    expect(view.stage).toBe('fees');
    await actOnMoveIn(h, 'recordItem', csr, { step: 'fees', item: 'maintenanceFund', evidence: { ref: 'SJ-778', amountFen: 1_234_500 } });
    view = await finishStep(h);
    expect(view.stage).toBe('itemsAndKeys');
    await actOnMoveIn(h, 'recordItem', csr, evidenceFor('itemsAndKeys', 'keyCustody', { keys: [{ part: 'unitDoor', label: '入户门' }, { part: 'mailbox', label: '信报箱' }] }));
    view = await finishStep(h);
    expect(view.stage).toBe('inspection');
    view = await finishStep(h);
    view = await finishStep(h);
    expect(view.stage).toBe('completed');
    const result = await resultOf(h);
    expect([result.outcome, result.openRepairs]).toEqual(['completed', []]);
    const charges = await system().db.charge.findMany({ where: { caseId }, orderBy: { id: 'asc' } });
    expect(charges.map((c) => c.kind).sort()).toEqual(['moveIn:garbageFee', 'moveIn:maintenanceFund', 'moveIn:propertyServiceFee']);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed `any` (@types/jest)
    expect(charges.find((c) => c.kind === 'moveIn:maintenanceFund')).toMatchObject({ amountFen: 1_234_500, item: expect.stringContaining('SJ-778') });
    const keys = await system().db.key.findMany({ where: { unit }, orderBy: { part: 'asc' } });
    expect(keys.map((k) => [k.part, k.status])).toEqual([['mailbox', 'inCabinet'], ['unitDoor', 'inCabinet']]);
    const filed = await system().db.ownerFileEntry.findMany({ where: { unit } });
    expect(filed.map((f) => f.kind).sort()).toEqual(['feeNotice', 'idCopy', 'inspection', 'moveInNotice']);
    const audit = await system().db.auditEntry.findMany({ where: { caseId }, orderBy: { seq: 'asc' } });
    expect(audit.filter((a) => a.action === 'completeStep')).toHaveLength(5);
  });
});

describe('a move-in in another service centre', () => {
  it("puts the owner's keys in that centre's cabinet and the papers in that centre's file, beside the same unit number elsewhere", async () => {
    const unit = `8-2-${Date.now() % 10_000}`;
    const h = await openMoveIn(system().env, { unit, calendar: { ...testCalendar(), centre: 'north' } });
    await finishStep(h);
    await finishStep(h);
    await actOnMoveIn(h, 'recordItem', csr, evidenceFor('itemsAndKeys', 'keyCustody', { keys: [{ part: 'unitDoor', label: '入户门' }] }));
    await finishStep(h);
    await finishStep(h);
    expect((await finishStep(h)).stage).toBe('completed');
    const keys = await system().db.key.findMany({ where: { unit } });
    expect(keys.map((k) => [k.id, k.centre, k.status])).toEqual([[`north/${unit}/unitDoor`, 'north', 'inCabinet']]);
    const filed = await system().db.ownerFileEntry.findMany({ where: { unit } });
    expect(filed.length).toBeGreaterThan(0);
    expect(new Set(filed.map((f) => f.centre))).toEqual(new Set(['north']));
  });
});

describe('a delegate with an underground parking space', () => {
  it('requires the power of attorney, the delegate\'s ID, the parking agreement and the parking fee', async () => {
    const h = await openMoveIn(system().env, { delegate: { name: '钱先生' }, parkingSpace: 'B2-117' });
    const caseId = moveInIdOf(h);
    let view = await moveInOf(h);
    expect(view.required.identity).toEqual(expect.arrayContaining(['powerOfAttorney', 'delegateId', 'parkingAgreement']));
    for (const item of ['moveInNotice', 'purchaseContract', 'ownerId', 'registrationForm', 'managementCovenant']) {
      await actOnMoveIn(h, 'recordItem', csr, evidenceFor('identity', item));
    }
    expect(await rejectionOf(actOnMoveIn(h, 'completeStep', csr, { step: 'identity' }))).toBe('InvalidStage');
    view = await finishStep(h, supervisor);
    expect(view.items.identity['delegateId']?.checkedBy).toBe('sup-wang');
    for (const item of ['maintenanceFund', 'propertyServiceFee', 'garbageFee']) await actOnMoveIn(h, 'recordItem', csr, evidenceFor('fees', item));
    expect(await rejectionOf(actOnMoveIn(h, 'completeStep', csr, { step: 'fees' }))).toBe('InvalidStage');
    await actOnMoveIn(h, 'recordItem', csr, { step: 'fees', item: 'parkingFee', evidence: { ref: 'CW-55', amountFen: 36_000 } });
    view = await actOnMoveIn(h, 'completeStep', csr, { step: 'fees' });
    expect(view.stage).toBe('itemsAndKeys');
    const parking = await system().db.charge.findUnique({ where: { key: `${caseId}:parkingFee` } });
    expect(parking?.amountFen).toBe(36_000);
  });
});

describe('4. inspection defects', () => {
  it('a defect opens a linked repair that outlives the move-in; the move-in reports it open', async () => {
    const h = await openMoveIn(system().env);
    const caseId = moveInIdOf(h);
    for (let i = 0; i < 3; i++) await finishStep(h);
    const view = await actOnMoveIn(h, 'recordDefect', csr, { description: '卫生间地漏返味' });
    const repairId = `${caseId}-D1`;
    expect(view.defects).toEqual([{ n: 1, description: '卫生间地漏返味', repairCaseId: repairId, finished: false }]);
    await finishStep(h);
    await finishStep(h);
    const result = await resultOf(h);
    expect(result.openRepairs).toEqual([repairId]);
    // The repair goes on after the move-in closed, to its own close.
    const repair = system().env.client.workflow.getHandle<typeof repairRequest>(repairWorkflowId(repairId));
    expect((await repair.describe()).status.name).toBe('RUNNING');
    await act(repair, 'fillServiceRecord', csr, {});
    await act(repair, 'takeJob', technician, {});
    await act(repair, 'respondToOwner', csr, { channel: 'phone', note: '已安排维修' });
    await act(repair, 'reportCompletion', technician, { workDone: '更换防臭地漏', charges: [] });
    await act(repair, 'recordReturnVisit', csr, { satisfied: true, rating: 5, problemFound: false });
    const repaired = await resultOf(repair);
    expect(repaired.outcome).toBe('closed');
    expect(repaired.view.fault).toContain(caseId);
  });
});

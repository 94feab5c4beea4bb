/**
 * Sampled return visits of repairs (003 回访率 2, RETURN_VISITS=monthlySample) end to end
 * on the time-skipping server: the month's pool, the draw on the 1st, the sample's visits.
 *
 * In a file of its own: after a workflow has started a child (the sample case), the Java
 * test server (1.38.0) no longer ends time skips, so a scenario that skips time after it
 * cannot share the server (the schedule-run scenarios of the archive and key files run last
 * for the same reason).
 */
import { monthlySampleSize } from '../workflows/repair/returnVisitSampling';
import { type RepairVisitSampleOutcome, repairVisitSampleCaseId, repairVisitSampleContract, repairVisitSampleState, repairVisitSampleUpdates } from '../workflows/repairVisitSample/repairVisitSample.messages';
import { taskQueue, useTimeSkippingSystem } from './support/temporal';
import { act, caseIdOf, clockEvents, clockTo, csr, eventually, expectSameInstant, local, localDate, mondayLocal, nextLocal, openDispatchedRepair, rejectionOf, resultOf, technician, testCalendar } from './support/scenario';

const system = useTimeSkippingSystem();

describe('sampled return visits (003 回访率 2, RETURN_VISITS=monthlySample)', () => {
  it("a plain job closes at completion into its month's sample; a complex one is still visited, within 1 month; on the 1st the month's sample is drawn by the bands and each sampled order is visited once", async () => {
    const mon10 = await nextLocal(system().env, mondayLocal, '10:00');
    await clockTo(system().env, mon10);
    const complete = async (complex: boolean) => {
      const h = await openDispatchedRepair(system().env, { returnVisits: 'monthlySample' });
      await act(h, 'takeJob', technician, {});
      return [h, await act(h, 'reportCompletion', technician, { workDone: '已修复', charges: [], complex })] as const;
    };
    const plain: string[] = [];
    for (let n = 0; n < 7; n++) {
      const [h, view] = await complete(false);
      expect([view.stage, view.sampledMonth]).toEqual(['closed', localDate(mon10).slice(0, 7)]);
      expect((await resultOf(h)).outcome).toBe('closed');
      plain.push(caseIdOf(h));
    }
    const [complexJob, visited] = await complete(true);
    expect(visited.stage).toBe('awaitingReturnVisit');
    const rv = visited.clocks.find((c) => c.name === 'returnVisit');
    const started = (await clockEvents(system().db, caseIdOf(complexJob), 'returnVisit'))[0]?.at;
    const monthLater = new Date(started);
    monthLater.setUTCMonth(monthLater.getUTCMonth() + 1);
    expectSameInstant(rv?.dueAt, monthLater);

    // The 1st of next month: the schedule's run draws the sample.
    const [y, m] = localDate(mon10).split('-').map(Number) as [number, number];
    const first = local(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01T09:30`);
    await clockTo(system().env, first);
    const run = await system().env.client.workflow.start('repairVisitSampling', { taskQueue, workflowId: `repair-visit-sampling-${caseIdOf(complexJob)}`, args: [{ calendar: testCalendar() }] });
    const drawn = (await run.result()) as { month: string; orders: number; sample: string[] };
    expect(drawn.month).toBe(localDate(mon10).slice(0, 7));
    expect(drawn.orders).toBeGreaterThanOrEqual(7);
    expect(drawn.sample).toHaveLength(monthlySampleSize(drawn.orders));
    expect(drawn.sample).not.toContain(caseIdOf(complexJob));
    const sampleCase = system().env.client.workflow.getHandle(repairVisitSampleContract.workflowId(repairVisitSampleCaseId(localDate(first))));
    const view = await eventually(async () => {
      const v = await sampleCase.query(repairVisitSampleState).catch(() => undefined);
      return v && v.clocks.length > 0 ? v : undefined;
    });
    expect(view.sample.map((o) => o.caseId).sort()).toEqual([...drawn.sample].sort());
    const visit = (order: string, satisfied: boolean) =>
      sampleCase.executeUpdate(repairVisitSampleUpdates.recordSampledVisit, { args: [{ actor: csr, input: { order, satisfied, rating: satisfied ? 5 : 2, problemFound: !satisfied, note: satisfied ? '' : '仍有渗水' } }] });
    expect(await rejectionOf(visit(caseIdOf(complexJob), true))).toBe('InvalidInput');
    const [firstOrder, ...rest] = drawn.sample as [string, ...string[]];
    await visit(firstOrder, false);
    expect(await rejectionOf(visit(firstOrder, true))).toBe('InvalidStage');
    for (const order of rest) await visit(order, true);
    expect((await resultOf<RepairVisitSampleOutcome>(sampleCase)).outcome).toBe('visited');
    expect(system().channel.sent.some((msg) => msg.recipient === 'role:supervisor' && msg.text.includes('回访不合格') && msg.text.includes(firstOrder))).toBe(true);
    expect(plain.filter((id) => drawn.sample.includes(id)).length).toBeGreaterThan(0);
  });
});


/**
 * 报修 — the repair request procedure (DOMAIN.md §2), in the manual's order.
 *
 * 1. register → 2. paid repair: quote, owner confirms → 3. service record and
 * engineering notified, a technician takes it within 5 minutes → 4. the owner
 * hears back within 1 hour → 5. completion report with charges, daily follow-up
 * while unfinished → 6. return visit within 2 days, rework within 1 working day
 * → 7. close and file in the owner's archive.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { BusinessCalendar } from '../lib/calendar';
import { CaseRuntime } from '../lib/caseRuntime';
import type { Notice } from '../lib/caseTrail';
import type { DeadlineBoardSnapshot } from '../lib/deadlines';
import { type Actor, owner, type Recipient, role, staff, type StepActor, systemActor } from '../lib/roles';
import { nowIso, workflowNow } from '../lib/time';
import { type RepairAction, repairActions, type RepairInput, repairStageNames, type RepairOutcome, repairState, repairUpdates, type RepairView } from './repair.messages';
import { defaultWarnAt } from '../lib/clock';
import { historyEventsBeforeContinueAsNew, repairDeadlines, repairSteps } from './repair.policy';
import { patches } from './repair.patches';
import { repairTexts } from './repair.texts';
import { recordActivities } from '../lib/recordActivities';

const { openCase, recordServiceRecord, recordCharges, recordReturnVisit, fileToOwnerArchive } = recordActivities;

/** What a long-running case carries over when it continues as new. */
export interface RepairCarryOver {
  view: RepairView;
  board: DeadlineBoardSnapshot;
  seq: number;
}

export async function repairRequest(input: RepairInput, carried?: RepairCarryOver): Promise<RepairOutcome> {
  const cal = BusinessCalendar.from(input.calendar);
  const system = systemActor;
  const label = `报修 ${input.caseId}（${input.unit}）`;
  const texts = repairTexts(input, cal);

  const view: RepairView = carried?.view ?? {
    caseId: input.caseId,
    procedure: 'repair',
    unit: input.unit,
    ownerName: input.ownerName,
    fault: input.fault,
    stage: input.paid.kind === 'listed' ? 'awaitingFeeConfirmation' : 'dispatching',
    firstReceiver: input.receivedBy.id,
    chargesFen: 0,
    returnVisits: 0,
    reworks: 0,
    followUps: 0,
    declinedBy: [],
    clocks: [],
    breached: false,
    registeredAt: new Date(workflowNow()).toISOString(),
    quote: input.paid.kind === 'listed' ? { item: input.paid.item, feeFen: input.paid.feeFen } : undefined,
  };
  const rt = new CaseRuntime<RepairView>({
    cal,
    caseId: input.caseId,
    label,
    headline: input.fault,
    view,
    stageName: (stage) => repairStageNames[stage],
    waitingOn: () => waitingOn(),
    warnAt: input.warnAt ?? defaultWarnAt,
    carried,
  });
  const { board } = rt;
  /** The first-responsible csr: the receiver, or whoever the case was reassigned to. */
  const receiver = (): Recipient => staff(view.firstReceiver);
  const clock = (name: keyof typeof repairDeadlines, owner: Recipient) =>
    rt.clock(name, repairSteps[name], repairDeadlines[name], owner);
  const currentView = () => rt.current();

  function waitingOn(): RepairView['waitingOn'] {
    const due = (name: string) => board.dueAt(name)?.toISOString();
    switch (view.stage) {
      case 'awaitingFeeConfirmation':
        return { who: '业主', what: '确认维修费用' };
      case 'dispatching':
        return { who: '工程部', what: '接单', dueAt: due('dispatch') };
      case 'inProgress':
        return { who: view.assignee ?? '工程部', what: '完工', dueAt: due('completion') ?? due('followUp') };
      case 'awaitingReturnVisit':
        return { who: view.firstReceiver, what: '回访业主', dueAt: due('returnVisit') };
      case 'rework':
        return { who: view.assignee ?? '工程部', what: '返修', dueAt: due('rework') };
      default:
        return undefined;
    }
  }

  /** One step; `at` when the step's own records (service record, charges, visit) were written first, with that moment. */
  const step = (action: string, actor: StepActor, detail: object = {}, notices: Notice[] = [], at?: string) =>
    rt.step(action, actor, detail, notices, { at });

  // ---- staff actions (updates): validators reject before history; handlers move the case on ----
  const handlers: ActionHandlers<typeof repairActions> = {
    async confirmFee(actor, i) {
      view.quote = view.quote && { ...view.quote, accepted: i.accepted };
      if (!i.accepted) {
        view.stage = 'cancelled';
        await step('confirmFee', actor, i, [{ recipient: owner(input.ownerPhone), text: texts.feeDeclined() }]);
        return;
      }
      view.stage = 'dispatching';
      board.resume('dispatch');
      await step('confirmFee', actor, i);
      await dispatchToEngineering();
    },
    async respondToOwner(actor, i) {
      board.stop('response');
      await step('respondToOwner', actor, i);
    },
    async takeJob(actor) {
      await assignTechnician(actor.id, actor, 'takeJob', {});
    },
    async declineJob(actor, i) {
      view.declinedBy.push(actor.id);
      await step('declineJob', actor, i, [{ recipient: role('supervisor'), text: texts.declined(actor.id, i.reason) }]);
    },
    async handBack(actor, i) {
      view.stage = 'dispatching';
      view.assignee = undefined;
      board.stop('completion', 'cancelled', '退单');
      board.start(clock('dispatch', role('technician')));
      await step('handBack', actor, i, [
        { recipient: role('technician'), text: texts.dispatch() },
        { recipient: role('supervisor'), text: texts.handedBack(actor.id, i.reason) },
      ]);
    },
    async reassign(actor, i) {
      if (view.stage === 'rework') {
        view.assignee = i.technician;
        await step('reassign', actor, i, [{ recipient: staff(i.technician), text: texts.assigned(i.technician) }]);
        return;
      }
      await assignTechnician(i.technician, actor, 'reassign', i);
    },
    async bookAppointment(actor, i) {
      const at = new Date(i.at);
      view.appointmentAt = at.toISOString();
      // No technician can come now: the owner is told and an appointment is booked. A job
      // nobody has taken must be taken within 5 minutes of the appointment; a job already
      // taken has its completion clock wait until then.
      if (view.stage === 'dispatching') board.start(clock('dispatch', role('technician')), at);
      if (board.isRunning('completion')) board.pause('completion', '业主预约维修时间', at);
      const now = nowIso();
      await recordServiceRecord({ caseId: input.caseId, fault: input.fault, at: now, appointment: at.toISOString() });
      await step('bookAppointment', actor, i, [{ recipient: owner(input.ownerPhone), text: texts.appointment(at) }], now);
    },
    async confirmOnSiteFee(actor, i) {
      view.quote = { item: i.item, feeFen: i.feeFen, accepted: i.ownerAgreed };
      const now = nowIso();
      await recordCharges({
        caseId: input.caseId,
        at: now,
        charges: [{ key: `${input.caseId}:onsite:${rt.trail.sequence + 1}`, kind: 'quote', item: i.item, amountFen: i.feeFen }],
      });
      await step('confirmOnSiteFee', actor, i, [], now);
    },
    async reportUnfinished(actor, i) {
      startFollowUps();
      await step('reportUnfinished', actor, i, [{ recipient: receiver(), text: texts.unfinished(i.reason) }]);
    },
    async recordFollowUp(actor, i) {
      view.followUps += 1;
      board.stop('followUp');
      scheduleNextFollowUp();
      await step('recordFollowUp', actor, i);
    },
    async reportCompletion(actor, i) {
      view.stage = 'awaitingReturnVisit';
      const total = i.charges.reduce((s, c) => s + c.amountFen, 0);
      view.chargesFen += total;
      board.stop('completion');
      board.stop('followUp', 'cancelled', '已完工');
      board.start(clock('returnVisit', receiver()));
      const now = nowIso();
      await recordServiceRecord({ caseId: input.caseId, fault: input.fault, at: now, completedAt: now, workDone: i.workDone });
      await recordCharges({
        caseId: input.caseId,
        at: now,
        charges: i.charges.map((c, n) => ({ key: `${input.caseId}:completion:${n}`, ...c })),
      });
      await step('reportCompletion', actor, i, [
        { recipient: owner(input.ownerPhone), text: texts.completed(total) },
        { recipient: receiver(), text: texts.returnVisitDue(board.dueAt('returnVisit')) },
      ], now);
    },
    async recordReturnVisit(actor, i) {
      view.returnVisits += 1;
      board.stop('returnVisit');
      const now = nowIso();
      await recordReturnVisit({ caseId: input.caseId, at: now, round: view.returnVisits, visitor: actor.id, ...i });
      if (i.problemFound) {
        view.stage = 'rework';
        view.reworks += 1;
        board.start(clock('rework', view.assignee ? staff(view.assignee) : role('technician')));
        await step('recordReturnVisit', actor, i, [
          { recipient: view.assignee ? staff(view.assignee) : role('technician'), text: texts.rework(board.dueAt('rework')) },
        ], now);
        return;
      }
      view.stage = 'closed';
      await step('recordReturnVisit', actor, i, [], now);
    },
    async reportReworkDone(actor, i) {
      view.stage = 'awaitingReturnVisit';
      board.stop('rework');
      board.start(clock('returnVisit', receiver()));
      await step('reportReworkDone', actor, i, [{ recipient: receiver(), text: texts.returnVisitDue(board.dueAt('returnVisit')) }]);
    },
  };

  /** A technician has the job (took it, or the supervisor assigned it). */
  async function assignTechnician(technician: string, actor: Actor, action: string, detail: Record<string, unknown>) {
    const wasDispatching = view.stage === 'dispatching';
    view.stage = 'inProgress';
    view.assignee = technician;
    board.stop('dispatch');
    if (wasDispatching || !board.isRunning('completion')) {
      board.start(clock('completion', staff(technician)));
      const appointment = view.appointmentAt ? new Date(view.appointmentAt) : undefined;
      if (appointment && appointment.getTime() > workflowNow()) board.pause('completion', '业主预约维修时间', appointment);
    }
    const now = nowIso();
    await recordServiceRecord({ caseId: input.caseId, fault: input.fault, at: now, technician, takenAt: now });
    await step(action, actor, detail, [
      { recipient: staff(technician), text: texts.assigned(technician) },
      { recipient: owner(input.ownerPhone), text: texts.technicianOnTheWay(technician) },
    ], now);
  }

  /** 3. Service record filled in, engineering notified to take the job. */
  async function dispatchToEngineering() {
    const now = nowIso();
    await recordServiceRecord({ caseId: input.caseId, fault: input.fault, at: now });
    await step('dispatch', system, {}, [{ recipient: role('technician'), text: texts.dispatch() }], now);
  }

  /** 5. A job not finished the same day: the csr follows it up with the owner every day. */
  function startFollowUps() {
    if (!board.isRunning('followUp')) board.start(clock('followUp', receiver()));
  }

  function scheduleNextFollowUp() {
    // The next follow-up counts from the next business day's opening, due by its end.
    const nextDay = cal.nextOpening(cal.endOfBusinessDay(new Date(workflowNow())));
    board.start(clock('followUp', receiver()), nextDay);
  }

  /** Actions wait until registration is on record, so the audit trail keeps the manual's order. */
  let registered = carried !== undefined;
  handleStaffActions({
    table: repairActions,
    updates: repairUpdates,
    stage: () => view.stage,
    ready: () => registered,
    authorize: assertAssignee,
    handlers,
    runtime: rt,
  });
  setHandler(repairState, currentView);

  /** Only the technician who has the job reports on it (the supervisor reassigns instead). */
  function assertAssignee(name: RepairAction, actor: Actor) {
    const own: RepairAction[] = ['handBack', 'confirmOnSiteFee', 'reportUnfinished', 'reportCompletion', 'reportReworkDone'];
    if (own.includes(name) && view.assignee && actor.id !== view.assignee) {
      throw ApplicationFailure.nonRetryable(`该工单由 ${view.assignee} 负责`, rejection.forbidden);
    }
  }

  const finished = () => view.stage === 'closed' || view.stage === 'cancelled';

  // ---- the procedure ----
  const runClocks = () => board.run(() => finished() && !board.hasPendingEvents());
  let clocksRunning = carried ? runClocks() : undefined;
  if (!carried) {
    // 4. The owner hears back within 1 hour of registering.
    board.start(clock('response', receiver()));
    // 3. Within 5 minutes a technician takes it (paused while the owner decides on a quoted fee).
    board.start(clock('dispatch', role('technician')));
    // 1. Register the call or visit.
    await openCase({
      caseId: input.caseId,
      procedure: 'repair',
      workflowId: workflowInfo().workflowId,
      unit: input.unit,
      ownerName: input.ownerName,
      ownerPhone: input.ownerPhone,
      summary: input.fault,
      stage: view.stage,
      firstReceiver: input.receivedBy.id,
      openedAt: view.registeredAt,
    });
    clocksRunning = runClocks();
    await step('register', input.receivedBy, { channel: input.channel, paid: input.paid });
    if (input.paid.kind === 'listed') {
      // 2. Paid repair: quote the fee; work waits for the owner's confirmation.
      board.pause('dispatch', '等待业主确认费用');
      const quotedAt = nowIso();
      await recordCharges({
        caseId: input.caseId,
        at: quotedAt,
        charges: [{ key: `${input.caseId}:quote`, kind: 'quote', item: input.paid.item, amountFen: input.paid.feeFen }],
      });
      await step('quoteFee', input.receivedBy, input.paid, [
        { recipient: owner(input.ownerPhone), text: texts.quote(input.paid.item, input.paid.feeFen) },
      ], quotedAt);
    } else {
      await dispatchToEngineering();
    }
    registered = true;
  }

  // 5.–6. Staff actions drive the case. A job still unfinished when its day ends is
  // reported back to the csr, who then follows it up with the owner every day.
  const needsFollowUp = () =>
    view.stage === 'inProgress' && board.isBreached('completion') && !board.isRunning('followUp');
  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? historyEventsBeforeContinueAsNew);
  while (!finished()) {
    await condition(() => finished() || needsFollowUp() || historyTooLong());
    if (needsFollowUp()) {
      startFollowUps();
      await step('completionOverdue', system, {}, [{ recipient: receiver(), text: texts.unfinished('当日未完工') }]);
    }
    if (!finished() && historyTooLong()) {
      await condition(allHandlersFinished);
      await board.flush();
      if (patched(patches.handlersBeforeContinueAsNew)) {
        // A staff action that arrived while the clocks were being saved finishes in this run, not lost with it.
        while (!allHandlersFinished()) {
          await condition(allHandlersFinished);
          await board.flush();
        }
      }
      await continueAsNew<typeof repairRequest>(input, { view, board: board.snapshot(), seq: rt.trail.sequence });
    }
  }

  // 7. Close: the record goes into the owner's file.
  await condition(allHandlersFinished);
  const closedAt = new Date(workflowNow());
  view.closedAt = closedAt.toISOString();
  if (view.stage === 'closed') {
    await fileToOwnerArchive({
      filedAt: closedAt.toISOString(),
      unit: input.unit,
      kind: 'repair',
      ref: input.caseId,
      summary: `报修：${input.fault}`,
      content: { ...view },
    });
  }
  await rt.close(systemActor, view.stage, clocksRunning, closedAt);
  return { caseId: input.caseId, outcome: view.stage === 'closed' ? 'closed' : 'cancelled', view };
}

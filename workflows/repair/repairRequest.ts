/**
 * 报修 — the repair request procedure (DOMAIN.md §2), in the manual's order.
 *
 * 1. register → 2. paid repair: quote, owner confirms → 3. the csr fills the
 * service record and notifies engineering within 5 minutes → 4. a technician
 * takes the job (30 minutes, engineering's clock) → the owner hears back within
 * 1 hour → 5. completion report with charges; a job reported unfinished is
 * followed up daily, one nobody reported by the end of its day is a breach →
 * 6. return visit within 2 days, rework within 1 working day → 7. close and
 * file into the owner's file.
 *
 * The procedure reads from the top; the staff actions that move it on are below
 * it (`repairActionHandlers`), and the case's parts they share (`repairCase`)
 * below them.
 */
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar, untilRule } from '../lib/calendar';
import { type CaseCarryOver, CaseRuntime } from '../lib/caseRuntime';
import { defaultWarnAt } from '../lib/clock';
import { type Actor, owner, type Recipient, role, staff, type StepActor, systemActor } from '../lib/roles';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import type { CaseRecord } from '../lib/stepRecord';
import { nowIso, workflowNow } from '../lib/time';
import { type RepairAction, repairActions, type RepairInput, type RepairOutcome, repairStageNames, repairState, repairUpdates, type RepairView } from './repair.messages';
import { historyEventsBeforeContinueAsNew, repairDeadlines, repairDeadlinesBefore040, repairSteps } from './repair.policy';
import { repairTexts } from './repair.texts';
import { sampledVisitRule, toMonthlySampleStep } from './returnVisitSampling';

/** Since 0.4.0 the csr fills the service record (5 minutes) and engineering has its own clock to take the job (issue 13 rule 1). */
export const serviceRecordByCsrPatch = 'repair-service-record-by-csr-0.4';
/** Since 0.4.0 an on-site price the owner has not agreed yet pauses the completion clock until the owner answers (issue 13 rule 4). */
export const onSiteFeeAnswerPatch = 'repair-onsite-fee-answer-0.4';
const onSiteFeeWait = '等待业主确认现场报价';
/** Since 0.4.0 a job reported unfinished ends its completion clock as reported: not a breach (issue 13 rule 3). */
export const reportedUnfinishedPatch = 'repair-reported-unfinished-0.4';

/** What a long-running case carries over when it continues as new. */
export interface RepairCarryOver extends CaseCarryOver {
  view: RepairView;
}

export async function repairRequest(input: RepairInput, carried?: RepairCarryOver): Promise<RepairOutcome> {
  const c = repairCase(input, carried);
  const { view, rt, board, clock, receiver, texts } = c;
  const finished = () => view.stage === 'closed' || view.stage === 'cancelled';

  /** Actions wait until registration is on record, so the audit trail keeps the manual's order. */
  let registered = carried !== undefined;
  handleStaffActions({
    table: repairActions,
    updates: repairUpdates,
    stage: () => view.stage,
    ready: () => registered,
    authorize: (name, actor, input) => {
      assertAssignee(view, name, actor);
      assertFeeConfirmation(view, name, input);
      assertReworkExtension(view, name, input);
      assertOwnerFeeAnswer(view, name);
    },
    handlers: repairActionHandlers(c),
    runtime: rt,
  });
  setHandler(repairState, () => rt.current());
  if (carried) rt.runClocks();

  if (!carried) {
    // 1. Register the call or visit.
    rt.open({ procedure: 'repair', workflowId: workflowInfo().workflowId, unit: input.unit, ownerName: input.ownerName, ownerPhone: input.ownerPhone, summary: input.fault, firstReceiver: input.receivedBy.id, openedAt: view.registeredAt });
    // 4. The owner hears back within 1 hour of registering.
    board.start(clock('response', receiver()));
    // 3. Within 5 minutes the csr fills the service record and notifies engineering
    // (before 0.4.0: a technician took it within 5 minutes); paused while the owner decides on a quoted fee.
    const first = view.serviceRecordByCsr ? 'serviceRecord' : 'dispatch';
    board.start(view.serviceRecordByCsr ? clock('serviceRecord', receiver()) : c.takeUpClock());
    const register = { channel: input.channel, paid: input.paid };
    if (input.paid.kind === 'listed') {
      // 2. Paid repair: quote the fee; work waits for the owner's confirmation.
      rt.queueStep('register', input.receivedBy, register);
      board.pause(first, '等待业主确认费用');
      await rt.step('quoteFee', input.receivedBy, input.paid, [{ recipient: owner(input.ownerPhone), text: texts.quote(input.paid.item, input.paid.feeFen) }], {
        records: [{ kind: 'charges', charges: [{ key: `${input.caseId}:quote`, kind: 'quote', item: input.paid.item, amountFen: input.paid.feeFen }] }],
      });
    } else if (view.serviceRecordByCsr) {
      await rt.step('register', input.receivedBy, register);
    } else {
      rt.queueStep('register', input.receivedBy, register);
      await c.dispatchToEngineering();
    }
    registered = true;
    rt.runClocks();
  }

  // 5.–6. Staff actions drive the case. A job still unfinished when its day ends is
  // reported back to the csr, who then follows it up with the owner every day.
  const needsFollowUp = () => view.stage === 'inProgress' && board.isBreached('completion') && !board.isRunning('followUp');
  const historyTooLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? historyEventsBeforeContinueAsNew);
  while (!finished()) {
    await condition(() => finished() || needsFollowUp() || historyTooLong());
    if (needsFollowUp()) {
      c.startFollowUps();
      await rt.step('completionOverdue', systemActor, {}, [{ recipient: receiver(), text: texts.unfinished('当日未完工') }]);
    }
    if (!finished() && historyTooLong()) {
      // A staff action that arrives while the clocks are being saved finishes in this run, not lost with it.
      do {
        await condition(allHandlersFinished);
        await board.flush();
      } while (!allHandlersFinished());
      await continueAsNew<typeof repairRequest>(input, { view, ...rt.carryOver() });
    }
  }

  // 7. Close: the record goes into the owner's file (the action that ended the case closes it in its own write).
  await condition(allHandlersFinished);
  if (!rt.ended) await c.close();
  return { caseId: input.caseId, outcome: view.stage === 'closed' ? 'closed' : 'cancelled', view };
}

/** Only the technician who has the job reports on it (the supervisor reassigns instead). */
function assertAssignee(view: RepairView, name: RepairAction, actor: Actor) {
  const own: RepairAction[] = ['handBack', 'confirmOnSiteFee', 'reportUnfinished', 'reportCompletion', 'requestReworkExtension', 'reportReworkDone'];
  if (own.includes(name) && view.assignee && actor.id !== view.assignee) {
    throw ApplicationFailure.nonRetryable(`该工单由 ${view.assignee} 负责`, rejection.forbidden);
  }
}

/** 7. The return visit of a paid job confirms the fee (费用确认): it must say whether the owner confirmed it. */
function assertFeeConfirmation(view: RepairView, name: RepairAction, input: unknown) {
  if (name !== 'recordReturnVisit' || view.chargesFen <= 0) return;
  if (typeof (input as { feeConfirmed?: unknown } | null)?.feeConfirmed !== 'boolean') {
    throw ApplicationFailure.nonRetryable(`有偿维修（收费 ${(view.chargesFen / 100).toFixed(2)} 元）的回访须确认费用（feeConfirmed）`, rejection.invalidInput);
  }
}

/** 2. The owner's answer to an on-site price is awaited only once one was quoted; meanwhile the job is not reported done. */
function assertOwnerFeeAnswer(view: RepairView, name: RepairAction) {
  const awaiting = view.quote?.onSite === true && view.quote.accepted === undefined;
  if (name === 'recordOwnerFeeAnswer' && !awaiting) throw ApplicationFailure.nonRetryable('没有待业主确认的现场报价', rejection.invalidStage);
  if (name === 'confirmOnSiteFee' && awaiting) throw ApplicationFailure.nonRetryable('现场报价正待业主答复，请先登记业主的答复', rejection.invalidStage);
  if (name === 'reportCompletion' && awaiting) throw ApplicationFailure.nonRetryable('业主尚未确认现场报价，不能报完工', rejection.invalidStage);
}

/** 6. One extension request at a time, decided once; the later moment must be later than the rework's due. */
function assertReworkExtension(view: RepairView, name: RepairAction, input: unknown) {
  const pending = view.reworkExtension !== undefined && view.reworkExtension.decision === undefined;
  if (name === 'decideReworkExtension' && !pending) throw ApplicationFailure.nonRetryable('没有待审批的延期返修申请', rejection.invalidStage);
  if (name !== 'requestReworkExtension') return;
  if (pending) throw ApplicationFailure.nonRetryable('已有延期返修申请待主管审批', rejection.invalidStage);
  const due = view.clocks.find((c) => c.name === 'rework')?.dueAt;
  const until = Date.parse((input as { until?: string } | null)?.until ?? '');
  const earliest = Math.max(due === undefined ? 0 : Date.parse(due), workflowNow());
  if (!(until > earliest)) throw ApplicationFailure.nonRetryable(`延期后的时间须晚于原返修时限（${due ?? '—'}）和现在`, rejection.invalidInput);
}

// ---- staff actions (updates): validators reject before history; handlers move the case on ----

function repairActionHandlers(c: RepairCase): ActionHandlers<typeof repairActions> {
  const { input, view, rt, board, clock, receiver, texts } = c;
  const serviceRecord = (fields: Omit<Extract<CaseRecord, { kind: 'serviceRecord' }>, 'kind' | 'fault'> = {}): CaseRecord => ({ kind: 'serviceRecord', fault: input.fault, ...fields });
  return {
    async confirmFee(actor, i) {
      view.quote = view.quote && { ...view.quote, accepted: i.accepted };
      if (!i.accepted) {
        view.stage = 'cancelled';
        rt.queueStep('confirmFee', actor, i, [{ recipient: owner(input.ownerPhone), text: texts.feeDeclined() }]);
        await c.close();
        return;
      }
      if (view.serviceRecordByCsr) {
        // 3. Now the csr fills the service record and notifies engineering.
        view.stage = 'recording';
        board.resume('serviceRecord');
        await rt.step('confirmFee', actor, i);
        return;
      }
      view.stage = 'dispatching';
      board.resume('dispatch');
      rt.queueStep('confirmFee', actor, i);
      await c.dispatchToEngineering();
    },
    async fillServiceRecord(actor, i) {
      // 3. Service record filled, engineering notified: 4. a technician takes the job on engineering's clock.
      view.stage = 'dispatching';
      board.stop('serviceRecord');
      board.start(c.takeUpClock());
      await c.dispatchToEngineering('fillServiceRecord', actor, i);
    },
    async respondToOwner(actor, i) {
      board.stop('response');
      await rt.step('respondToOwner', actor, i);
    },
    async takeJob(actor) {
      await c.assignTechnician(actor.id, actor, 'takeJob', {});
    },
    async declineJob(actor, i) {
      view.declinedBy.push(actor.id);
      await rt.step('declineJob', actor, i, [{ recipient: role('supervisor'), text: texts.declined(actor.id, i.reason) }]);
    },
    async handBack(actor, i) {
      view.stage = 'dispatching';
      view.assignee = undefined;
      board.stop('completion', 'cancelled', '退单');
      board.start(c.takeUpClock());
      await rt.step('handBack', actor, i, [
        { recipient: role('technician'), text: texts.dispatch(board.dueAt('dispatch')) },
        { recipient: role('supervisor'), text: texts.handedBack(actor.id, i.reason) },
      ]);
    },
    async reassign(actor, i) {
      if (view.stage === 'rework') {
        view.assignee = i.technician;
        await rt.step('reassign', actor, i, [{ recipient: staff(i.technician), text: texts.assigned(i.technician) }]);
        return;
      }
      await c.assignTechnician(i.technician, actor, 'reassign', i);
    },
    async bookAppointment(actor, i) {
      const at = new Date(i.at);
      view.appointmentAt = at.toISOString();
      // No technician can come now: the owner is told and an appointment is booked. A job
      // nobody has taken must be taken within its take-up time of the appointment; a job
      // already taken has its completion clock wait until then.
      if (view.stage === 'dispatching') board.start(c.takeUpClock(), at);
      if (board.isRunning('completion')) board.pause('completion', '业主预约维修时间', at);
      await rt.step('bookAppointment', actor, i, [{ recipient: owner(input.ownerPhone), text: texts.appointment(at) }], {
        records: [serviceRecord({ appointment: at.toISOString() })],
      });
    },
    async confirmOnSiteFee(actor, i) {
      // The price known only on site: shown to the owner before the work. Not agreed yet (since 0.4.0), the
      // completion clock waits for the owner's answer (recordOwnerFeeAnswer).
      const awaitAnswer = !i.ownerAgreed && patched(onSiteFeeAnswerPatch);
      view.quote = { item: i.item, feeFen: i.feeFen, accepted: awaitAnswer ? undefined : i.ownerAgreed, ...(awaitAnswer ? { onSite: true } : {}) };
      if (awaitAnswer) board.pause('completion', onSiteFeeWait);
      await rt.step('confirmOnSiteFee', actor, i, [], {
        records: [{ kind: 'charges', charges: [{ key: `${input.caseId}:onsite:${rt.nextSeq}`, kind: 'quote', item: i.item, amountFen: i.feeFen }] }],
      });
    },
    async recordOwnerFeeAnswer(actor, i) {
      const quote = view.quote as NonNullable<RepairView['quote']>;
      quote.accepted = i.agreed;
      if (i.agreed) {
        // Resumed only from the wait on this answer (not, say, from an appointment the owner chose).
        if (board.view().find((cl) => cl.name === 'completion')?.pauseReason === onSiteFeeWait) board.resume('completion');
        await rt.step('recordOwnerFeeAnswer', actor, i);
        return;
      }
      // Refused: the job ends with the owner's reason, recorded and told to the csr.
      quote.refusedReason = i.reason;
      view.stage = 'cancelled';
      rt.queueStep('recordOwnerFeeAnswer', actor, i, [{ recipient: receiver(), text: texts.onSiteFeeRefused(quote.item, quote.feeFen, i.reason) }]);
      await c.close();
    },
    async reportUnfinished(actor, i) {
      // Reporting back is the duty: the completion clock ends as reported (late if the day had already ended).
      if (patched(reportedUnfinishedPatch)) board.stop('completion', 'met', '已报告未完工');
      c.startFollowUps();
      await rt.step('reportUnfinished', actor, i, [{ recipient: receiver(), text: texts.unfinished(i.reason) }]);
    },
    async recordFollowUp(actor, i) {
      view.followUps += 1;
      board.stop('followUp');
      // The next follow-up counts from the next business day's opening, due by its end.
      board.start(clock('followUp', receiver()), c.cal.nextOpening(c.cal.endOfBusinessDay(new Date(workflowNow()))));
      await rt.step('recordFollowUp', actor, i);
    },
    async reportCompletion(actor, i) {
      const total = i.charges.reduce((s, ch) => s + ch.amountFen, 0);
      view.chargesFen += total;
      const completed: CaseRecord[] = [
        serviceRecord({ completed: true, workDone: i.workDone }),
        { kind: 'charges', charges: i.charges.map((ch, n) => ({ key: `${input.caseId}:completion:${n}`, ...ch })) },
      ];
      // Visiting a monthly sample (003 回访率 2): complex or long jobs are always visited, within 1 month;
      // any other goes into its month's sample of work orders, and the case closes now.
      const sampled = input.returnVisits === 'monthlySample';
      const long = view.followUps > 0 || board.isRunning('followUp') || board.isBreached('completion');
      board.stop('completion');
      board.stop('followUp', 'cancelled', '已完工');
      if (sampled && !i.complex && !long) {
        view.stage = 'closed';
        view.sampledMonth = c.cal.localDateOf(new Date(workflowNow())).slice(0, 7);
        rt.queueStep('reportCompletion', actor, i, [{ recipient: owner(input.ownerPhone), text: texts.completed(total) }], { records: completed });
        rt.queueStep(toMonthlySampleStep, systemActor, { month: view.sampledMonth });
        await c.close();
        return;
      }
      view.stage = 'awaitingReturnVisit';
      board.start(clock('returnVisit', receiver(), sampled ? sampledVisitRule : repairDeadlines.returnVisit));
      await rt.step(
        'reportCompletion',
        actor,
        i,
        [
          { recipient: owner(input.ownerPhone), text: texts.completed(total) },
          { recipient: receiver(), text: texts.returnVisitDue(board.dueAt('returnVisit')) },
        ],
        { records: completed },
      );
    },
    async recordReturnVisit(actor, i) {
      view.returnVisits += 1;
      board.stop('returnVisit');
      const visit: CaseRecord = { kind: 'returnVisit', round: view.returnVisits, visitor: actor.id, ...i };
      if (!i.problemFound) {
        // 7. Satisfied: the visit and the close, in one write.
        view.stage = 'closed';
        rt.queueStep('recordReturnVisit', actor, i, [], { records: [visit] });
        await c.close();
        return;
      }
      view.stage = 'rework';
      view.reworks += 1;
      const fixer = view.assignee ? staff(view.assignee) : role('technician');
      board.start(clock('rework', fixer));
      await rt.step('recordReturnVisit', actor, i, [{ recipient: fixer, text: texts.rework(board.dueAt('rework')) }], { records: [visit] });
    },
    async requestReworkExtension(actor, i) {
      view.reworkExtension = { reason: i.reason, until: new Date(i.until).toISOString(), requestedBy: actor.id };
      await rt.step('requestReworkExtension', actor, i, [{ recipient: role('supervisor'), text: texts.reworkExtensionRequested(actor.id, i.reason, new Date(i.until)) }]);
    },
    async decideReworkExtension(actor, i) {
      const ext = view.reworkExtension as NonNullable<RepairView['reworkExtension']>;
      ext.decision = { approved: i.approved, by: actor.id, comment: i.comment };
      const fixer = view.assignee ? staff(view.assignee) : role('technician');
      // Approved: the rework is due at the later moment, counted from now (a breach already recorded stays recorded).
      if (i.approved) board.start(clock('rework', fixer, untilRule(new Date(ext.until))));
      await rt.step('decideReworkExtension', actor, i, [{ recipient: fixer, text: texts.reworkExtensionDecided(i.approved, board.dueAt('rework'), i.comment) }]);
    },
    async reportReworkDone(actor, i) {
      view.stage = 'awaitingReturnVisit';
      // A request still waiting for the supervisor ends with the round it was made in.
      if (view.reworkExtension && !view.reworkExtension.decision) view.reworkExtension = undefined;
      board.stop('rework');
      board.start(clock('returnVisit', receiver()));
      await rt.step('reportReworkDone', actor, i, [{ recipient: receiver(), text: texts.returnVisitDue(board.dueAt('returnVisit')) }]);
    },
  };
}

// ---- the case's parts: its view, runtime, clocks and the steps the procedure and its actions share ----

type RepairCase = ReturnType<typeof repairCase>;

function repairCase(input: RepairInput, carried?: RepairCarryOver) {
  const cal = BusinessCalendar.from(input.calendar);
  const texts = repairTexts(input, cal);
  const byCsr = carried === undefined && patched(serviceRecordByCsrPatch);
  const view: RepairView = carried?.view ?? {
    caseId: input.caseId,
    procedure: 'repair',
    unit: input.unit,
    ownerName: input.ownerName,
    fault: input.fault,
    stage: input.paid.kind === 'listed' ? 'awaitingFeeConfirmation' : byCsr ? 'recording' : 'dispatching',
    firstReceiver: input.receivedBy.id,
    chargesFen: 0,
    returnVisits: 0,
    reworks: 0,
    followUps: 0,
    declinedBy: [],
    clocks: [],
    breached: false,
    registeredAt: nowIso(),
    quote: input.paid.kind === 'listed' ? { item: input.paid.item, feeFen: input.paid.feeFen } : undefined,
    serviceRecordByCsr: byCsr || undefined,
  };
  const rt = new CaseRuntime<RepairView>({
    cal,
    actions: repairActions,
    label: `报修 ${input.caseId}（${input.unit}）`,
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
  const clock = (name: keyof typeof repairDeadlines, owner: Recipient, rule: string = repairDeadlines[name]) => rt.clock(name, repairSteps[name], rule, owner);

  function waitingOn(): RepairView['waitingOn'] {
    const due = (name: string) => board.dueAt(name)?.toISOString();
    switch (view.stage) {
      case 'awaitingFeeConfirmation':
        return { who: '业主', what: '确认维修费用' };
      case 'recording':
        return { who: view.firstReceiver, what: '填写服务记录并通知工程部', dueAt: due('serviceRecord') };
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

  return {
    input,
    cal,
    texts,
    view,
    rt,
    board,
    receiver,
    clock,

    /** 3. Service record filled in, engineering notified to take the job (by the csr since 0.4.0; before, by the system at registration). */
    async dispatchToEngineering(action = 'dispatch', actor: StepActor = systemActor, detail: object = {}): Promise<void> {
      await rt.step(action, actor, detail, [{ recipient: role('technician'), text: texts.dispatch(board.dueAt('dispatch')) }], { records: [{ kind: 'serviceRecord', fault: input.fault }] });
    },

    /** 4. Engineering's clock to take the job: its configured time (default 30 minutes; 5 minutes before 0.4.0). */
    takeUpClock() {
      return clock('dispatch', role('technician'), view.serviceRecordByCsr ? (input.takeUpWithin ?? repairDeadlines.dispatch) : repairDeadlinesBefore040.dispatch);
    },

    /** A technician has the job (took it, or the supervisor assigned it). */
    async assignTechnician(technician: string, actor: StepActor, action: string, detail: Record<string, unknown>): Promise<void> {
      const wasDispatching = view.stage === 'dispatching';
      view.stage = 'inProgress';
      view.assignee = technician;
      board.stop('dispatch');
      if (wasDispatching || !board.isRunning('completion')) {
        // 6. The same-day completion counts from the request, taken or not (since 0.4.0; before, from the take-up).
        board.start(clock('completion', staff(technician)), view.serviceRecordByCsr ? new Date(view.registeredAt) : undefined);
        const appointment = view.appointmentAt ? new Date(view.appointmentAt) : undefined;
        if (appointment && appointment.getTime() > workflowNow()) board.pause('completion', '业主预约维修时间', appointment);
      }
      await rt.step(
        action,
        actor,
        detail,
        [
          { recipient: staff(technician), text: texts.assigned(technician) },
          { recipient: owner(input.ownerPhone), text: texts.technicianOnTheWay(technician) },
        ],
        { records: [{ kind: 'serviceRecord', fault: input.fault, technician, taken: true }] },
      );
    },

    /** 7. The case ends: closed (the record goes into the owner's file) or cancelled. */
    async close(): Promise<void> {
      const closedAt = new Date(workflowNow());
      view.closedAt = closedAt.toISOString();
      const filing: CaseRecord[] = view.stage === 'closed' ? [{ kind: 'ownerFile', unit: input.unit, fileKind: 'repair', ref: input.caseId, summary: `报修：${input.fault}`, content: { ...view } }] : [];
      await rt.close(systemActor, view.stage, closedAt, { records: filing });
    },

    /** 5. A job not finished the same day: the csr follows it up with the owner every day. */
    startFollowUps(): void {
      if (!board.isRunning('followUp')) board.start(clock('followUp', receiver()));
    },
  };
}

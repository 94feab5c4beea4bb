/**
 * 投诉 — the complaint procedure (DOMAIN.md §3), in the manual's order.
 *
 * 1. receive and log; the receiver is first-responsible → 2. verify: invalid is
 * explained and closed; valid goes to the supervisor at once, the customer hears
 * back within 1 hour → 3. the supervisor grades it → 4. handled the same day in
 * scope, 3 days when transferred; complex answers are signed off by the level
 * above; major complaints go to the executive for a corrective plan → 5. reply,
 * and handle again while the customer is not satisfied → 6. return visit within
 * 3 days (a repeat complaint: rework and special visit within 24 hours) → 7. file.
 *
 * The procedure reads from the top; the staff actions that move it on are below
 * it (`complaintActionHandlers`), and the case's parts they share
 * (`complaintCase`) below them.
 */
import { ApplicationFailure, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar, untilRule } from '../lib/calendar';
import { CaseRuntime, type Notice } from '../lib/caseRuntime';
import { defaultWarnAt } from '../lib/clock';
import { type Actor, escalationChain, ladder, type LadderTop, owner as customer, type Recipient, role, roles, staff, type StepActor, systemActor } from '../lib/roles';
import { caseRepeat, complaintGrade } from '../lib/searchAttributes';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { workflowNow } from '../lib/time';
import {
  type ComplaintAction,
  complaintActions,
  type ComplaintInput,
  type ComplaintOutcome,
  complaintStageNames,
  complaintState,
  complaintUpdates,
  type ComplaintView,
  companyLevelNames,
  gradeNames,
} from './complaint.messages';
import { complaintDeadlines as due, complaintSteps as steps, unsatisfiedRoundsBeforeManager } from './complaint.policy';
import { complaintTexts } from './complaint.texts';

/**
 * Since 0.4.0 (issue 13 rules 8-12): an unsatisfied return visit reopens handling
 * (回访不合格) and only the manager closes it unsatisfied; the supervisor records
 * the cause and prevention before it closes; a major complaint is the manager's,
 * compensation and complaints against the manager go to company leadership; a
 * repeat's special visit counts from its receipt; the promised answer is a clock.
 */
export const complaintFidelityPatch = 'complaint-fidelity-0.4';

export async function customerComplaint(input: ComplaintInput): Promise<ComplaintOutcome> {
  const c = complaintCase(input);
  const { view, rt, board, receiver, step } = c;

  let registered = false;
  handleStaffActions({
    table: complaintActions,
    updates: complaintUpdates,
    stage: () => view.stage,
    ready: () => registered,
    authorize: (action, actor, raw) => assertAllowed(view, action, actor, raw),
    handlers: complaintActionHandlers(c),
    runtime: rt,
  });
  setHandler(complaintState, () => rt.current());

  const finished = () => view.stage === 'closed' || view.stage === 'invalid';

  // 1. Receive and log it; the customer hears back within 1 hour, and has the answer by the time promised (首问承诺).
  board.start(rt.clock('response', steps.response, due.response, receiver()));
  if (view.rules040 && input.promisedReplyAt) board.start(rt.clock('promise', steps.promise, untilRule(new Date(input.promisedReplyAt)), receiver()));
  rt.open({
    procedure: 'complaint',
    workflowId: workflowInfo().workflowId,
    unit: input.unit,
    ownerName: input.customerName,
    ownerPhone: input.customerPhone,
    summary: `${input.matter}：${input.content}`.slice(0, 500),
    firstReceiver: input.receivedBy.id,
    openedAt: view.receivedAt,
  });
  if (input.repeatOf) upsertSearchAttributes([{ key: caseRepeat, value: true }]);
  await step('receive', input.receivedBy, { channel: input.channel, matter: input.matter, repeatOf: input.repeatOf });
  rt.runClocks();
  registered = true;

  // 2.–6. Staff actions drive the case until it is closed or found invalid.
  // 7. The complaint form goes into the owner's file.
  const closedAt = await rt.finished(finished);
  await rt.close(systemActor, view.stage, closedAt, {
    records: [
      {
        kind: 'ownerFile',
        unit: input.unit,
        fileKind: 'complaint',
        ref: input.caseId,
        summary: `投诉（${view.grade ? gradeNames[view.grade] : '无效'}）：${input.matter}`,
        content: { ...view, content: input.content },
      },
    ],
  });
  return { caseId: input.caseId, outcome: view.stage === 'invalid' ? 'invalid' : 'closed', view };
}

// ---- staff actions (updates): validators reject before history; handlers move the case on ----

function complaintActionHandlers(c: ComplaintCase): ActionHandlers<typeof complaintActions> {
  const { input, view, rt, board, texts, receivedAt, receiver, handler, top, returnVisitor, startHandling, handleAgain, toAnalysis, step } = c;
  return {
    async verify(actor, i) {
      if (!i.valid) {
        // Not valid: explain politely, record the reason, close.
        view.stage = 'invalid';
        view.invalidReason = i.reason;
        board.stop('response');
        board.stop('promise');
        await step('verify', actor, i, [{ recipient: customer(input.customerPhone), text: texts.invalid(i.explanation) }]);
        return;
      }
      // Valid: the complaint form goes to the supervisor at once, to be graded.
      view.stage = 'grading';
      board.start(rt.clock('grading', steps.grading, due.grading, role('supervisor'), 'manager', escalationChain.slice(1)));
      startHandling(receivedAt);
      await step('verify', actor, i, [{ recipient: role('supervisor'), text: texts.toSupervisor() }]);
    },
    async respond(actor, i) {
      board.stop('response');
      await step('respond', actor, i);
    },
    async grade(actor, i) {
      view.grade = i.grade;
      view.route = i.route;
      view.department = i.department;
      view.method = i.method;
      view.stage = 'handling';
      board.stop('grading');
      upsertSearchAttributes([{ key: complaintGrade, value: i.grade }]);
      view.companyLevel = view.rules040 ? i.companyLevel : undefined;
      if (i.route === 'transferred') startHandling(receivedAt); // the department's 3 days, from the receipt
      else if (top() === 'executive' && rt.ladders) board.retarget('handling', { owner: handler(), escalateTo: ladder(handler(), top()) });
      const notices: Notice[] = [];
      if (i.route === 'transferred') notices.push({ recipient: role('department'), text: texts.transferred(i.department ?? '') });
      if (view.rules040) {
        // 重大投诉由项目经理出面解决; compensation and complaints against the manager go to company leadership.
        // Major: the manager in person, reported level by level to the deputy GM (三级负责制, 004 第十六条).
        if (i.grade === 'major' && !view.companyLevel) notices.push({ recipient: role('manager'), text: texts.majorToManager() }, { recipient: role('executive'), text: texts.major() });
        if (view.companyLevel) {
          board.start(rt.clock('correctivePlan', steps.correctivePlan, due.correctivePlan, role('executive'), 'executive', []));
          notices.push({ recipient: role('executive'), text: texts.companyLevel(companyLevelNames[view.companyLevel]) });
        }
      } else if (i.grade === 'major') {
        // Major: escalate to the executive; the quality dept sets a corrective plan.
        board.start(rt.clock('correctivePlan', steps.correctivePlan, due.correctivePlan, role('executive'), 'executive', []));
        notices.push({ recipient: role('executive'), text: texts.major() });
      }
      await step('grade', actor, i, notices);
    },
    async recordCorrectivePlan(actor, i) {
      view.correctivePlan = i.plan;
      board.stop('correctivePlan');
      await step('recordCorrectivePlan', actor, i);
    },
    async recordHandling(actor, i) {
      view.resolution = i.resolution;
      board.stop('handling');
      if (view.grade === 'complex') {
        // Complex: the level above signs off the answer before the customer hears it.
        view.stage = 'awaitingSignOff';
        board.start(rt.clock('signOff', steps.signOff, due.signOff, role('manager'), 'manager', escalationChain.slice(2)));
        await step('recordHandling', actor, i, [{ recipient: role('manager'), text: texts.signOffDue() }]);
        return;
      }
      view.stage = 'replying';
      await step('recordHandling', actor, i);
    },
    async signOff(actor, i) {
      board.stop('signOff');
      if (!i.approved) {
        view.stage = 'handling';
        startHandling();
        await step('signOff', actor, i, [{ recipient: handler(), text: texts.signOffRejected(i.comment) }]);
        return;
      }
      view.stage = 'replying';
      await step('signOff', actor, i);
    },
    async replyToCustomer(actor, i) {
      view.satisfied = i.satisfied;
      board.stop('promise');
      // The reply answers the customer: the 1-hour first response, if still open, is met by it (since 0.4.0).
      if (view.rules040) board.stop('response');
      if (!i.satisfied) {
        // Not satisfied: handling starts again, with fresh deadlines.
        await handleAgain('replyToCustomer', actor, i);
        return;
      }
      view.stage = 'awaitingReturnVisit';
      const visitor = returnVisitor();
      // A repeat complaint's special visit is due 24 hours after the repeat was logged (before 0.4.0: after the reply).
      const rule = input.repeatOf ? due.repeatReturnVisit : due.returnVisit;
      board.start(rt.clock('returnVisit', steps.returnVisit, rule, visitor, top()), view.rules040 && input.repeatOf && view.round === 1 ? receivedAt : undefined);
      await step('replyToCustomer', actor, i, [{ recipient: visitor, text: texts.returnVisitDue(board.dueAt('returnVisit')) }]);
    },
    async recordReturnVisit(actor, i) {
      board.stop('returnVisit');
      view.satisfied = i.satisfied;
      if (!view.rules040) {
        view.stage = 'closed';
        await step('recordReturnVisit', actor, i);
        return;
      }
      if (!i.satisfied) {
        // 一跟到底: an unsatisfied visit (回访不合格) sends it back to handling; it never closes unsatisfied.
        view.unsatisfiedVisits = (view.unsatisfiedVisits ?? 0) + 1;
        await handleAgain('recordReturnVisit', actor, i);
        return;
      }
      await toAnalysis('recordReturnVisit', actor, i);
    },
    async promiseReply(actor, i) {
      // 首问承诺; a promise that cannot be kept is reported to the superior at once (the customer agreed the new time).
      const revised = view.promisedReplyAt !== undefined;
      const at = new Date(i.at);
      view.promisedReplyAt = at.toISOString();
      board.start(rt.clock('promise', steps.promise, untilRule(at), receiver()));
      await step('promiseReply', actor, i, revised ? [{ recipient: role('supervisor'), text: texts.promiseRevised(at, i.reason) }] : []);
    },
    async closeUnresolved(actor, i) {
      // Only the manager closes a complaint the customer still rejects, with the reason; the analysis still comes first.
      view.unresolvedReason = i.reason;
      for (const name of ['handling', 'signOff', 'returnVisit', 'promise']) board.stop(name, 'cancelled', '经理决定结案');
      await toAnalysis('closeUnresolved', actor, i);
    },
    async recordAnalysis(actor, i) {
      view.analysis = { ...i, by: actor.id };
      board.stop('analysis');
      view.stage = 'closed';
      // A major complaint ends with its corrective-action report and a company-wide notice.
      const notices = view.grade === 'major' && i.companyNotice ? roles.map((r) => ({ recipient: role(r), text: texts.companyNotice(i.companyNotice) })) : [];
      await step('recordAnalysis', actor, i, notices);
    },
  };
}

/**
 * Rules beyond the table: major complaints are visited by a manager or the quality dept (company-level ones by
 * the quality dept); a corrective plan is the company's (for major ones before 0.4.0); a major complaint's
 * analysis carries its corrective-action report and company-wide notice.
 */
function assertAllowed(view: ComplaintView, action: ComplaintAction, actor: Actor, input: unknown) {
  if (action === 'grade' && !view.rules040 && (input as { companyLevel?: unknown } | null)?.companyLevel !== undefined) {
    throw ApplicationFailure.nonRetryable('该投诉受理于 0.4.0 之前，不能按上报公司处理（companyLevel）', rejection.invalidInput);
  }
  if (action === 'recordHandling' && view.rules040 && view.grade === 'major' && !view.companyLevel && !['manager', 'executive'].includes(actor.role)) {
    throw ApplicationFailure.nonRetryable('重大投诉由服务中心经理出面处理', rejection.forbidden);
  }
  const needsPlan = view.rules040 ? view.companyLevel !== undefined : view.grade === 'major';
  if (action === 'recordReturnVisit' && view.companyLevel && actor.role !== 'executive') {
    throw ApplicationFailure.nonRetryable('上报公司的投诉由品质部回访', rejection.forbidden);
  }
  if (action === 'recordReturnVisit' && view.grade === 'major' && !['manager', 'executive'].includes(actor.role)) {
    throw ApplicationFailure.nonRetryable('重大投诉须由经理或品质部回访', rejection.forbidden);
  }
  if (action === 'recordCorrectivePlan' && !needsPlan) {
    throw ApplicationFailure.nonRetryable(view.rules040 ? '只有上报公司的投诉需要品质部制定纠正措施' : '只有重大投诉需要制定纠正措施', rejection.invalidStage);
  }
  if (action === 'recordHandling' && needsPlan && view.correctivePlan === undefined) {
    throw ApplicationFailure.nonRetryable(view.rules040 ? '上报公司的投诉须先由品质部制定纠正措施' : '重大投诉须先由品质部制定纠正措施', rejection.invalidStage);
  }
  if (action === 'promiseReply' && view.promisedReplyAt !== undefined && !(input as { reason?: string } | null)?.reason?.trim()) {
    throw ApplicationFailure.nonRetryable('变更已承诺的答复时间须说明原因（reason）', rejection.invalidInput);
  }
  if (action === 'recordAnalysis' && view.grade === 'major') {
    const i = input as { correctiveReport?: string; companyNotice?: string } | null;
    if (!i?.correctiveReport?.trim() || !i.companyNotice?.trim()) {
      throw ApplicationFailure.nonRetryable('重大投诉结案须附纠正措施报告（correctiveReport）和全公司公告（companyNotice）', rejection.invalidInput);
    }
  }
}

// ---- the case's parts the procedure and its handlers share ----

type ComplaintCase = ReturnType<typeof complaintCase>;

function complaintCase(input: ComplaintInput) {
  const cal = BusinessCalendar.from(input.calendar);
  const receivedAt = new Date(workflowNow());
  const texts = complaintTexts(input, cal);
  const view: ComplaintView = {
    caseId: input.caseId,
    procedure: 'complaint',
    unit: input.unit,
    matter: input.matter,
    stage: 'verifying',
    firstReceiver: input.receivedBy.id,
    round: 1,
    repeatOf: input.repeatOf,
    clocks: [],
    breached: false,
    receivedAt: receivedAt.toISOString(),
    rules040: patched(complaintFidelityPatch) || undefined,
    promisedReplyAt: input.promisedReplyAt ? new Date(input.promisedReplyAt).toISOString() : undefined,
  };
  const rt = new CaseRuntime<ComplaintView>({
    cal,
    actions: complaintActions,
    label: `投诉 ${input.caseId}（${input.unit}）`,
    headline: `${input.matter}${input.repeatOf ? '（重复投诉）' : ''}`,
    view,
    stageName: (s) => complaintStageNames[s],
    waitingOn: (v, board) => waitingOn(v, board.dueAt.bind(board)),
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;
  /** The first-responsible person: the receiver, or whoever the case was reassigned to. */
  const receiver = (): Recipient => staff(view.firstReceiver);

  /** The handler of the current round: the department when transferred; in scope, the manager in person for a major complaint (since 0.4.0), else the first receiver. */
  const handler = (): Recipient =>
    view.route === 'transferred' ? role('department') : view.rules040 && view.grade === 'major' && !view.companyLevel ? role('manager') : receiver();
  /** A major or company-level complaint's clocks climb to company leadership; every other one's end at the manager. */
  const top = (): LadderTop => (view.grade === 'major' || view.companyLevel ? 'executive' : 'manager');
  /** The return visit: the quality dept for company-level complaints, the manager for major ones, else the first receiver. */
  const returnVisitor = (): Recipient => (view.companyLevel ? role('executive') : view.grade === 'major' ? role('manager') : receiver());
  const handlingRule = () =>
    input.repeatOf ? due.repeatRework : view.route === 'transferred' ? due.handlingTransferred : due.handlingInScope;
  /** Round 1 counts from the receipt; a round the customer sent back counts from then. */
  const startHandling = (from?: Date) =>
    board.start(rt.clock('handling', steps.handling, handlingRule(), handler(), top()), from);

  /** Every later step is reported to the first-responsible person. */
  async function step(action: string, actor: StepActor, detail: object = {}, notices: Notice[] = []) {
    const tellReceiver = actor.id !== view.firstReceiver && !notices.some((n) => n.recipient === receiver());
    const progress = tellReceiver ? [{ recipient: receiver(), text: texts.progress(complaintActionLabel(action), actor.id) }] : [];
    await rt.step(action, actor, detail, [...notices, ...progress]);
  }

  /** 8. Not satisfied (at the reply, or the return visit): handling again with fresh deadlines; the manager hears of every round from the second. */
  async function handleAgain(action: string, actor: StepActor, detail: object) {
    view.round += 1;
    view.stage = 'handling';
    startHandling();
    const notices: Notice[] = [{ recipient: handler(), text: texts.handleAgain(view.round) }];
    const unsatisfied = view.round - 1;
    if (view.rules040 && unsatisfied >= unsatisfiedRoundsBeforeManager && handler() !== role('manager')) notices.push({ recipient: role('manager'), text: texts.unsatisfiedRounds(unsatisfied) });
    await step(action, actor, detail, notices);
  }

  /** 11. Before it closes, the supervisor records the cause and the prevention measures. */
  async function toAnalysis(action: string, actor: StepActor, detail: object) {
    view.stage = 'awaitingAnalysis';
    board.start(rt.clock('analysis', steps.analysis, due.analysis, role('supervisor')));
    await step(action, actor, detail, [{ recipient: role('supervisor'), text: texts.analysisDue(board.dueAt('analysis')) }]);
  }

  return { input, cal, texts, view, rt, board, receivedAt, receiver, handler, top, returnVisitor, startHandling, handleAgain, toAnalysis, step };
}

function complaintActionLabel(action: string): string {
  return (complaintActions as Record<string, { label: string }>)[action]?.label ?? action;
}

function waitingOn(v: ComplaintView, dueAt: (clock: string) => Date | undefined): ComplaintView['waitingOn'] {
  const by = (clock: string) => dueAt(clock)?.toISOString();
  switch (v.stage) {
    case 'verifying':
      return { who: v.firstReceiver, what: '核实投诉', dueAt: by('response') };
    case 'grading':
      return { who: '客服主管', what: '定级', dueAt: by('grading') };
    case 'handling':
      return {
        who: v.route === 'transferred' ? (v.department ?? '相关部门') : v.rules040 && v.grade === 'major' && !v.companyLevel ? '服务中心经理' : v.firstReceiver,
        what: '处理',
        dueAt: by('handling'),
      };
    case 'awaitingSignOff':
      return { who: '服务中心经理', what: '审核答复', dueAt: by('signOff') };
    case 'replying':
      return { who: v.firstReceiver, what: '答复客户' };
    case 'awaitingReturnVisit':
      return { who: v.companyLevel ? '品质部' : v.grade === 'major' ? '服务中心经理' : v.firstReceiver, what: '回访', dueAt: by('returnVisit') };
    case 'awaitingAnalysis':
      return { who: '客服主管', what: '原因分析与预防措施', dueAt: by('analysis') };
    default:
      return undefined;
  }
}

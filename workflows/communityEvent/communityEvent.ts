/**
 * 社区活动 — one event of the year's plan (DOMAIN.md §6), in the manual's order.
 *
 * 1. compiled into the annual plan → 2. the event plan (活动方案) written 1 month
 * before the event date, reviewed by the service centre, approved by the
 * company; either sends it back with comments, and the revision keeps the
 * original deadlines; not approved by the date: not held, escalated → 3. held
 * on its date → 4. a written summary within 7 days → 5. return visits to 10% of
 * the participants (at least one, chosen reproducibly) within 1 month.
 */
import { allHandlersFinished, ApplicationFailure, condition, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar, untilRule } from '../lib/calendar';
import { CaseRuntime } from '../lib/caseRuntime';
import { type Actor, escalationChain, type LadderTop, type Recipient, role, staff, systemActor } from '../lib/roles';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { workflowNow } from '../lib/time';
import { defaultWarnAt } from '../lib/clock';
import {
  communityEventActions,
  type CommunityEventInput,
  type CommunityEventOutcome,
  communityEventStageNames,
  communityEventState,
  communityEventUpdates,
  type CommunityEventView,
} from './communityEvent.messages';
import { communityEventDeadlines as due, communityEventSteps as steps, returnVisitSample } from './communityEvent.policy';
import { communityEventTexts } from './communityEvent.texts';

/**
 * Since 0.4.0 the plan is due at the end of the day one month before the event
 * ("by day D"), an exact instant; before, a minute count from the opening that
 * fell up to 59 s before the day began (issue 13 rule 15).
 */
export const dateFixedDeadlinesPatch = 'date-fixed-deadlines-0.4';

export async function communityEvent(input: CommunityEventInput): Promise<CommunityEventOutcome> {
  const cal = BusinessCalendar.from(input.calendar);
  const openedAt = new Date(workflowNow());
  /** The csr who compiles and follows the event: the planner, or whoever it was reassigned to. */
  const compiler = (): Recipient => staff(view.firstReceiver);
  const texts = communityEventTexts(input, cal);
  const eventStart = cal.startOfLocalDate(input.date);
  const eventEnd = cal.due(eventStart, '1 day');
  const byDate = patched(dateFixedDeadlinesPatch);
  // 2. "Written 1 month before the event": by the end of that day; approved before the event's day.
  const planDue = byDate ? cal.dueByDate(cal.addMonthsToDate(input.date, -due.planMonthsBefore)) : cal.addMonths(eventStart, -due.planMonthsBefore);
  const approvalDue = cal.dueBeforeDate(input.date);
  const view: CommunityEventView = {
    caseId: input.caseId,
    procedure: 'communityEvent',
    planId: input.planId,
    title: input.title,
    date: input.date,
    stage: 'drafting',
    revisions: [],
    participants: [],
    returnVisitSample: [],
    returnVisits: [],
    firstReceiver: input.compiledBy.id,
    assignee: input.compiledBy.id,
    clocks: [],
    breached: false,
    openedAt: openedAt.toISOString(),
  };
  const rt = new CaseRuntime<CommunityEventView>({
    cal,
    actions: communityEventActions,
    label: `社区活动 ${input.caseId}（${input.title}）`,
    headline: `${input.title}，${input.date}（年度计划 ${input.planId}）`,
    view,
    stageName: (s) => communityEventStageNames[s],
    waitingOn: (v, board) => waitingOn(v, board.dueAt.bind(board)),
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;
  /** A deadline fixed against the event date: the clock counts from now to that instant. */
  const until = (name: 'plan' | 'approval', at: Date, owner: Recipient, top: LadderTop, before040: Recipient[]) =>
    board.start({ ...rt.clock(name, steps[name], byDate ? untilRule(at) : cal.elapsedRuleUntil(workflowNow(), at), owner, top, before040), escalateEvery: due.escalateEvery });

  const sendBack = async (actor: Actor, level: 'centre' | 'company', comments: string) => {
    view.revisions.push({ by: actor.id, level, comments });
    view.stage = 'drafting';
    // The revision keeps the original deadlines: neither the plan nor the approval clock restarts.
    const by = level === 'centre' ? '服务中心' : '公司';
    await rt.step(level === 'centre' ? 'reviewPlan' : 'approvePlan', actor, { approved: false, comments }, [
      { recipient: compiler(), text: texts.sentBack(by, comments) },
    ]);
  };

  const visitsDone = () => view.returnVisitSample.length > 0 && view.returnVisitSample.every((p) => view.returnVisits.some((v) => v.participant === p));
  const maybeClose = () => {
    if (view.stage === 'followUp' && view.summary !== undefined && visitsDone()) view.stage = 'closed';
  };

  const handlers: ActionHandlers<typeof communityEventActions> = {
    async submitPlan(actor, i) {
      view.plan = i.plan;
      view.stage = 'centreReview';
      board.stop('plan');
      await rt.step('submitPlan', actor, i, [{ recipient: role('supervisor'), text: texts.toReview() }]);
    },
    async reviewPlan(actor, i) {
      if (!i.approved) return sendBack(actor, 'centre', i.comments);
      view.stage = 'companyApproval';
      await rt.step('reviewPlan', actor, i, [{ recipient: role('executive'), text: texts.toApproval() }]);
    },
    async approvePlan(actor, i) {
      if (!i.approved) return sendBack(actor, 'company', i.comments);
      view.stage = 'approved';
      board.stop('approval');
      await rt.step('approvePlan', actor, i, [{ recipient: compiler(), text: texts.approved() }, { recipient: role('department'), text: texts.approved() }]);
    },
    async recordParticipants(actor, i) {
      view.participants = [...new Set(i.participants)];
      view.returnVisitSample = returnVisitSample(input.caseId, view.participants);
      await rt.step('recordParticipants', actor, { count: view.participants.length, sample: view.returnVisitSample });
    },
    async recordSummary(actor, i) {
      view.summary = i.summary;
      board.stop('summary');
      maybeClose();
      await rt.step('recordSummary', actor, i);
    },
    async recordEventReturnVisit(actor, i) {
      view.returnVisits.push({ participant: i.participant, answer: i.answer, by: actor.id });
      if (visitsDone()) board.stop('returnVisit');
      maybeClose();
      await rt.step('recordEventReturnVisit', actor, i);
    },
  };

  let registered = false;
  handleStaffActions({
    table: communityEventActions,
    updates: communityEventUpdates,
    stage: () => view.stage,
    ready: () => registered,
    authorize: (action, _actor, raw) => {
      if (action === 'recordParticipants' && view.participants.length > 0) {
        throw ApplicationFailure.nonRetryable('参加人员已登记，回访对象已按名单抽定', rejection.invalidStage);
      }
      if (action === 'recordEventReturnVisit') {
        const { participant } = raw as { participant: string };
        if (view.returnVisitSample.length === 0) throw ApplicationFailure.nonRetryable('请先登记参加人员', rejection.invalidStage);
        if (!view.returnVisitSample.includes(participant.trim())) {
          throw ApplicationFailure.nonRetryable(`「${participant}」不在抽定的回访对象中：${view.returnVisitSample.join('、')}`, rejection.invalidInput);
        }
        if (view.returnVisits.some((v) => v.participant === participant.trim())) {
          throw ApplicationFailure.nonRetryable(`「${participant}」已回访`, rejection.invalidStage);
        }
      }
    },
    handlers,
    runtime: rt,
  });
  setHandler(communityEventState, () => rt.current());

  // 1. On record as part of the annual plan; 2. the plan due a month before, approval by the date.
  rt.open({
    procedure: 'communityEvent',
    workflowId: workflowInfo().workflowId,
    unit: '社区',
    ownerName: input.title,
    ownerPhone: '',
    summary: `${input.title}（${input.date}）`,
    firstReceiver: input.compiledBy.id,
    openedAt: view.openedAt,
  });
  const finished = () => view.stage === 'closed' || view.stage === 'notHeld';
  until('plan', planDue, compiler(), 'manager', escalationChain);
  until('approval', approvalDue, role('supervisor'), 'executive', [role('manager'), role('executive')]);
  await rt.step('plan', input.compiledBy, { planId: input.planId, date: input.date }, [{ recipient: compiler(), text: texts.planDue(board.dueAt('plan')) }]);
  rt.runClocks();
  registered = true;

  // 3. The event date: held if approved, else not held and escalated.
  await sleep(cal.msInBasis(new Date(workflowNow()), eventStart, 'wall') || 1);
  if (view.stage !== 'approved') {
    const reason = `活动方案未在活动日期（${input.date}）前获批（${communityEventStageNames[view.stage]}）`;
    view.stage = 'notHeld';
    view.notHeldReason = reason;
    await rt.step('notHeld', systemActor, { reason }, [
      { recipient: compiler(), text: texts.notHeld(reason) },
      { recipient: role('manager'), text: texts.notHeld(reason) },
      { recipient: role('executive'), text: texts.notHeld(reason) },
    ]);
  } else {
    view.stage = 'running';
    await rt.step('run', systemActor);
    // 4.–5. After the event day: the summary and the return visits.
    await sleep(cal.msInBasis(new Date(workflowNow()), eventEnd, 'wall') || 1);
    view.stage = 'followUp';
    board.start(rt.clock('summary', steps.summary, due.summary, compiler()));
    board.start(rt.clock('returnVisit', steps.returnVisit, due.returnVisit, compiler()));
    maybeClose();
    await rt.step('followUp', systemActor, {}, [{ recipient: compiler(), text: texts.followUp(board.dueAt('summary'), board.dueAt('returnVisit')) }]);
    await condition(finished);
  }
  await condition(allHandlersFinished);
  const closedAt = new Date(workflowNow());
  view.closedAt = closedAt.toISOString();
  await rt.close(systemActor, view.stage, closedAt);
  return { caseId: input.caseId, outcome: view.stage === 'notHeld' ? 'notHeld' : 'closed', view };
}

function waitingOn(v: CommunityEventView, dueAt: (clock: string) => Date | undefined): CommunityEventView['waitingOn'] {
  const by = (clock: string) => dueAt(clock)?.toISOString();
  switch (v.stage) {
    case 'drafting':
      return { who: v.assignee ?? '客服员', what: v.revisions.length ? '修改活动方案' : '编写活动方案', dueAt: by('plan') ?? by('approval') };
    case 'centreReview':
      return { who: '客服主管/服务中心经理', what: '审核活动方案', dueAt: by('approval') };
    case 'companyApproval':
      return { who: '公司领导', what: '审批活动方案', dueAt: by('approval') };
    case 'followUp':
      return { who: v.assignee ?? '客服员', what: v.summary === undefined ? '活动总结' : '活动回访', dueAt: by(v.summary === undefined ? 'summary' : 'returnVisit') };
    default:
      return undefined;
  }
}

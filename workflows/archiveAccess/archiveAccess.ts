/**
 * 档案借阅 — access to a household's owner file (DOMAIN.md §5), in the manual's order.
 *
 * Customer service reads directly: the request is logged and closes. Another
 * department's viewing needs the supervisor's permission; it lasts until the
 * reader is done or the day closes. Taking a file out, copying it or lending it
 * outside needs the supervisor's report and the manager's approval, and the file
 * back the same day, chased and escalated like a key. Every read of the contents
 * is authorised and logged by the API against the accesses approved here.
 */
import { ApplicationFailure, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar } from '../lib/calendar';
import { CaseRuntime, type Notice } from '../lib/caseRuntime';
import type { CaseRecord } from '../lib/stepRecord';
import { type Actor, role, staff, type StepActor, systemActor } from '../lib/roles';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { workflowNow } from '../lib/time';
import { defaultWarnAt } from '../lib/clock';
import { directReaders } from '../lib/ownerFile';
import {
  archiveAccessActions,
  type ArchiveAccessInput,
  type ArchiveAccessOutcome,
  archiveAccessStageNames,
  archiveAccessState,
  archiveAccessUpdates,
  type ArchiveAccessView,
} from './archiveAccess.messages';
import { archiveAccessEscalateEvery, archiveAccessDeadlines as due, archiveAccessSteps as steps } from './archiveAccess.policy';
import { archiveAccessTexts } from './archiveAccess.texts';

export async function archiveAccess(input: ArchiveAccessInput): Promise<ArchiveAccessOutcome> {
  const cal = BusinessCalendar.from(input.calendar);
  const requestedAt = new Date(workflowNow());
  const requester = staff(input.requestedBy.id);
  const texts = archiveAccessTexts(input, cal);
  const direct = input.kind === 'view' && directReaders.includes(input.requestedBy.role);
  const view: ArchiveAccessView = {
    caseId: input.caseId,
    procedure: 'archiveAccess',
    unit: input.unit,
    kind: input.kind,
    purpose: input.purpose,
    requestedBy: input.requestedBy.id,
    stage: direct ? 'done' : input.kind === 'view' ? 'awaitingPermission' : 'awaitingSupervisorReport',
    clocks: [],
    breached: false,
    requestedAt: requestedAt.toISOString(),
  };
  const rt = new CaseRuntime<ArchiveAccessView>({
    cal,
    actions: archiveAccessActions,
    label: `档案借阅 ${input.caseId}（${input.unit}）`,
    headline: `${input.requestedBy.id}：${input.purpose}`,
    view,
    stageName: (s) => archiveAccessStageNames[s],
    waitingOn: (v, board) => waitingOn(v, board.dueAt.bind(board)),
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;

  /** The approved access (what the API checks reads against), until the close of the day: a record of the approving step. */
  function grant(actor: Actor): { until: Date; record: CaseRecord } {
    const until = cal.due(new Date(workflowNow()), due.viewing);
    view.approvedBy = actor.id;
    view.accessUntil = until.toISOString();
    return { until, record: { kind: 'archiveAccessGranted', unit: input.unit, grantee: input.requestedBy.id, access: input.kind, approvedBy: actor.id, expiresAt: until.toISOString() } };
  }
  async function end(action: string, actor: StepActor, detail: object, notices: Notice[] = []): Promise<void> {
    view.stage = 'done';
    view.assignee = undefined;
    await rt.step(action, actor, detail, notices, { records: [{ kind: 'archiveAccessRevoked' }] });
  }
  async function reject(action: string, actor: Actor, who: string, detail: { comment?: string }): Promise<void> {
    view.stage = 'rejected';
    await rt.step(action, actor, detail, [{ recipient: requester, text: texts.rejected(who, detail.comment ?? '') }]);
  }

  const handlers: ActionHandlers<typeof archiveAccessActions> = {
    async permit(actor, i) {
      board.stop('permission');
      if (!i.approved) return reject('permit', actor, '主管', i);
      const { until, record } = grant(actor);
      view.stage = 'viewing';
      view.assignee = input.requestedBy.id;
      await rt.step('permit', actor, i, [{ recipient: requester, text: texts.permitted(until) }], { records: [record] });
    },
    async report(actor, i) {
      board.stop('report');
      view.supervisorReport = i.report;
      if (!i.recommend) return reject('report', actor, '主管', { comment: i.report });
      view.stage = 'awaitingManagerApproval';
      board.start(rt.clock('approval', steps.approval, due.approval, role('manager'), 'manager', [role('executive')]));
      await rt.step('report', actor, i, [{ recipient: role('manager'), text: texts.toManager(i.report) }]);
    },
    async approve(actor, i) {
      board.stop('approval');
      if (!i.approved) return reject('approve', actor, '经理', i);
      const { record } = grant(actor);
      view.stage = 'out';
      view.assignee = input.requestedBy.id;
      // The custodian chases the file; the supervisor, then the manager hear when it is late.
      board.start({
        ...rt.clock('return', steps.return, due.return, role('csr'), 'manager', [role('supervisor'), role('manager')]),
        escalateEvery: archiveAccessEscalateEvery,
      });
      await rt.step(
        'approve',
        actor,
        i,
        [
          { recipient: requester, text: texts.out(board.dueAt('return')) },
          { recipient: role('csr'), text: texts.out(board.dueAt('return')) },
        ],
        { records: [record] },
      );
    },
    async finishViewing(actor, i) {
      await end('finishViewing', actor, i);
    },
    async recordReturn(actor, i) {
      board.stop('return');
      view.complete = i.complete;
      view.returnedAt = new Date(workflowNow()).toISOString();
      await end('recordReturn', actor, i, i.complete ? [] : [{ recipient: role('supervisor'), text: texts.incomplete(i.note) }]);
    },
  };

  let registered = false;
  handleStaffActions({
    table: archiveAccessActions,
    updates: archiveAccessUpdates,
    stage: () => view.stage,
    ready: () => registered,
    authorize: (action, actor) => {
      if (action === 'finishViewing' && actor.id !== input.requestedBy.id && !directReaders.includes(actor.role)) {
        throw ApplicationFailure.nonRetryable('只有申请人或客服人员可登记查阅完毕', rejection.forbidden);
      }
    },
    handlers,
    runtime: rt,
  });
  setHandler(archiveAccessState, () => rt.current());
  const finished = () => view.stage === 'done' || view.stage === 'rejected';

  rt.open({
    procedure: 'archiveAccess',
    workflowId: workflowInfo().workflowId,
    unit: input.unit,
    ownerName: input.requestedBy.id,
    ownerPhone: '',
    summary: `${input.kind}：${input.purpose}`.slice(0, 500),
    firstReceiver: input.requestedBy.id,
    openedAt: view.requestedAt,
  });
  const detail = { kind: input.kind, purpose: input.purpose, recipient: input.recipient, direct };
  if (direct) {
    await rt.step('request', input.requestedBy, detail);
  } else if (input.kind === 'view') {
    board.start(rt.clock('permission', steps.permission, due.permission, role('supervisor'), 'manager', [role('manager')]));
    await rt.step('request', input.requestedBy, detail, [{ recipient: role('supervisor'), text: texts.permissionRequest() }]);
  } else {
    board.start(rt.clock('report', steps.report, due.report, role('supervisor'), 'manager', [role('manager')]));
    await rt.step('request', input.requestedBy, detail, [{ recipient: role('supervisor'), text: texts.reportRequest() }]);
  }
  rt.runClocks();
  registered = true;

  // A department's viewing ends when the reader is done or when the day closes.
  await condition(() => finished() || (view.stage === 'viewing' && view.accessUntil !== undefined));
  if (view.stage === 'viewing') {
    const left = Math.max(0, new Date(view.accessUntil as string).getTime() - workflowNow());
    if (!(await condition(finished, left))) await end('viewingExpired', systemActor, { accessUntil: view.accessUntil });
  }
  const closedAt = await rt.finished(finished);
  await rt.close(systemActor, view.stage, closedAt);
  return { caseId: input.caseId, outcome: view.stage === 'rejected' ? 'rejected' : 'done', view };
}

function waitingOn(v: ArchiveAccessView, dueAt: (clock: string) => Date | undefined): ArchiveAccessView['waitingOn'] {
  const by = (clock: string) => dueAt(clock)?.toISOString();
  switch (v.stage) {
    case 'awaitingPermission':
      return { who: '客服主管', what: '批准查阅', dueAt: by('permission') };
    case 'awaitingSupervisorReport':
      return { who: '客服主管', what: '报告经理', dueAt: by('report') };
    case 'awaitingManagerApproval':
      return { who: '服务中心经理', what: '审批', dueAt: by('approval') };
    case 'viewing':
      return { who: v.requestedBy, what: '查阅完毕', dueAt: v.accessUntil };
    case 'out':
      return { who: v.requestedBy, what: '归还档案', dueAt: by('return') };
    default:
      return undefined;
  }
}

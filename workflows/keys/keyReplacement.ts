/**
 * 钥匙配制/补换 — duplicating or replacing a key (DOMAIN.md §4): application →
 * supervisor review → manager approval; never without. The register changes
 * only here, by one activity, once the manager has approved.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import { BusinessCalendar } from '../lib/calendar';
import { CaseRuntime } from '../lib/caseRuntime';
import { role, staff, systemActor } from '../lib/roles';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { workflowNow } from '../lib/time';
import { defaultWarnAt } from '../lib/clock';
import {
  keyReplacementActions,
  type KeyReplacementInput,
  type KeyReplacementOutcome,
  keyReplacementStageNames,
  keyReplacementState,
  keyReplacementUpdates,
  type KeyReplacementView,
} from './keyReplacement.messages';
import { keyReplacementDeadlines as due, keyReplacementSteps as steps } from './keyReplacement.policy';
import { keyReplacementTexts } from './keyReplacement.texts';

export async function keyReplacement(input: KeyReplacementInput): Promise<KeyReplacementOutcome> {
  const cal = BusinessCalendar.from(input.calendar);
  const appliedAt = new Date(workflowNow());
  const applicant = staff(input.appliedBy.id);
  const texts = keyReplacementTexts(input);
  const view: KeyReplacementView = {
    caseId: input.caseId,
    procedure: 'keyReplacement',
    keyId: input.keyId,
    unit: input.unit,
    kind: input.kind,
    reason: input.reason,
    fromLoan: input.fromLoan,
    stage: 'supervisorReview',
    clocks: [],
    breached: false,
    appliedAt: appliedAt.toISOString(),
  };
  const rt = new CaseRuntime<KeyReplacementView>({
    cal,
    actions: keyReplacementActions,
    label: `钥匙${input.kind === 'duplicate' ? '配制' : '补换'} ${input.caseId}（${input.keyId}）`,
    headline: input.reason,
    view,
    stageName: (s) => keyReplacementStageNames[s],
    waitingOn: (v, board) =>
      v.stage === 'supervisorReview'
        ? { who: '客服主管', what: '审核', dueAt: board.dueAt('review')?.toISOString() }
        : v.stage === 'managerApproval'
          ? { who: '服务中心经理', what: '审批', dueAt: board.dueAt('approval')?.toISOString() }
          : undefined,
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;

  const handlers: ActionHandlers<typeof keyReplacementActions> = {
    async review(actor, i) {
      board.stop('review');
      view.reviewedBy = actor.id;
      view.comment = i.comment;
      if (!i.approved) {
        view.stage = 'rejected';
        await rt.step('review', actor, i, [{ recipient: applicant, text: texts.rejected('主管', i.comment) }]);
        return;
      }
      view.stage = 'managerApproval';
      board.start(rt.clock('approval', steps.approval, due.approval, role('manager'), 'manager', [role('executive')]));
      await rt.step('review', actor, i, [{ recipient: role('manager'), text: texts.toManager(actor.id) }]);
    },
    async approve(actor, i) {
      board.stop('approval');
      view.comment = i.comment;
      if (!i.approved) {
        view.stage = 'rejected';
        await rt.step('approve', actor, i, [{ recipient: applicant, text: texts.rejected('经理', i.comment) }]);
        return;
      }
      view.approvedBy = actor.id;
      view.stage = 'approved';
      // The register changes here and nowhere else.
      await rt.step('approve', actor, i, [{ recipient: applicant, text: texts.approved() }], {
        records: [{ kind: 'keyReplaced', keyId: input.keyId, change: input.kind, approvedBy: actor.id }],
      });
    },
  };

  let registered = false;
  handleStaffActions({
    table: keyReplacementActions,
    updates: keyReplacementUpdates,
    stage: () => view.stage,
    ready: () => registered,
    handlers,
    runtime: rt,
  });
  setHandler(keyReplacementState, () => rt.current());
  const finished = () => view.stage === 'approved' || view.stage === 'rejected';

  // 1. The application, to the supervisor for review.
  rt.open({
    procedure: 'keyReplacement',
    workflowId: workflowInfo().workflowId,
    unit: input.unit,
    ownerName: input.appliedBy.id,
    ownerPhone: '',
    summary: `${input.keyId}：${input.reason}`.slice(0, 500),
    firstReceiver: input.appliedBy.id,
    openedAt: view.appliedAt,
  });
  board.start(rt.clock('review', steps.review, due.review, role('supervisor'), 'manager', [role('manager')]));
  await rt.step('apply', input.appliedBy, { keyId: input.keyId, kind: input.kind, reason: input.reason, fromLoan: input.fromLoan }, [
    { recipient: role('supervisor'), text: texts.toSupervisor() },
  ]);
  rt.runClocks();
  registered = true;

  const closedAt = await rt.finished(finished);
  await rt.close(systemActor, view.stage, closedAt);
  return { caseId: input.caseId, outcome: view.stage as KeyReplacementOutcome['outcome'], view };
}

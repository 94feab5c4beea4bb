/**
 * 钥匙借用 — a key loan (DOMAIN.md §4), in the manual's order.
 *
 * 1. the borrower fills the loan record and signs; a sealed key (vacant unit)
 * waits for the supervisor to approve unsealing; an emergency (burst water,
 * electrical leak, alarm) waits only for the manager, and its paperwork follows
 * within 24 hours → 2. the csr writes the ledger and the key goes out, due back
 * the same day; reminders before the close, then the supervisor and the manager
 * → 3. on return the csr checks it is complete and undamaged; a damaged or lost
 * key opens a replacement application.
 *
 * The procedure reads from the top; the staff actions that move it on are below
 * it (`keyLoanActionHandlers`), and the case's parts they share (`keyLoanCase`)
 * below them.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar } from '../lib/calendar';
import { CaseRuntime, type Notice } from '../lib/caseRuntime';
import type { CaseRecord } from '../lib/stepRecord';
import { type Recipient, role, staff, type StepActor, systemActor } from '../lib/roles';
import { openingSearchAttributes } from '../lib/searchAttributes';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { nowIso, workflowNow } from '../lib/time';
import { type ClockSpec, defaultWarnAt } from '../lib/clock';
import { keyFailure } from './keyRegister';
import {
  keyLoanActions,
  type KeyLoanInput,
  type KeyLoanOutcome,
  keyLoanStageNames,
  keyLoanState,
  keyLoanUpdates,
  type KeyLoanView,
  replacementCaseIdOf,
} from './keyLoan.messages';
import { keyEscalateEvery, keyLoanDeadlines as due, keyLoanSteps as steps } from './keyLoan.policy';
import { keyLoanTexts } from './keyLoan.texts';
import { keyReplacementProcedure, keyReplacementWorkflowId } from './keyReplacement.messages';
import type { keyReplacement } from './keyReplacement';

export async function keyLoan(input: KeyLoanInput): Promise<KeyLoanOutcome> {
  const c = keyLoanCase(input);
  const { view, rt, board, lend, texts } = c;

  let registered = false;
  handleStaffActions({
    table: keyLoanActions,
    updates: keyLoanUpdates,
    stage: () => view.stage,
    ready: () => registered,
    authorize: (action) => {
      if (action === 'completePaperwork' && view.paperworkDone) {
        throw ApplicationFailure.nonRetryable('借用手续已齐全，无需补办', rejection.invalidStage);
      }
    },
    handlers: keyLoanActionHandlers(c),
    runtime: rt,
  });
  setHandler(keyLoanState, () => rt.current());

  const finished = () => view.stage === 'returned' || view.stage === 'rejected' || view.stage === 'refused';

  // 1. The request on record; what it waits for first depends on the key and the reason.
  rt.open({
    procedure: 'keyLoan',
    workflowId: workflowInfo().workflowId,
    unit: input.unit,
    ownerName: input.borrower,
    ownerPhone: '',
    summary: `${input.keyId}：${input.purpose}`.slice(0, 500),
    firstReceiver: input.requestedBy.id,
    openedAt: view.requestedAt,
  });
  const detail = { keyId: input.keyId, borrower: input.borrower, purpose: input.purpose, signatureRef: input.signatureRef, emergency: input.emergency };
  if (input.emergency) {
    board.start(rt.clock('emergencyApproval', steps.emergencyApproval, due.emergencyApproval, role('manager'), 'manager', [role('executive')]));
    await rt.step('request', input.requestedBy, detail, [{ recipient: role('manager'), text: texts.emergencyRequest() }]);
  } else if (input.sealed) {
    board.start(rt.clock('unsealApproval', steps.unsealApproval, due.unsealApproval, role('supervisor'), 'manager', [role('manager')]));
    await rt.step('request', input.requestedBy, detail, [{ recipient: role('supervisor'), text: texts.unsealRequest() }]);
  } else {
    // The request and the key out, in one write (or the request and the register's refusal).
    rt.queueStep('request', input.requestedBy, detail);
    await lend(input.requestedBy, {});
  }
  rt.runClocks();
  registered = true;

  const closedAt = await rt.finished(finished);
  await rt.close(systemActor, view.stage, closedAt);
  return { caseId: input.caseId, outcome: view.stage as KeyLoanOutcome['outcome'], view };
}

// ---- staff actions (updates): validators reject before history; handlers move the case on ----

function keyLoanActionHandlers(c: KeyLoanCase): ActionHandlers<typeof keyLoanActions> {
  const { input, texts, view, rt, board, custodian, lend } = c;
  return {
    async approveUnseal(actor, i) {
      board.stop('unsealApproval');
      if (!i.approved) {
        view.stage = 'rejected';
        await rt.step('approveUnseal', actor, i, [{ recipient: custodian(), text: texts.unsealRejected(i.reason) }]);
        return;
      }
      rt.queueStep('approveUnseal', actor, i);
      await lend(actor, { unsealed: true, reason: i.reason });
    },
    async approveEmergency(actor, i) {
      board.stop('emergencyApproval');
      if (!i.approved) {
        view.stage = 'rejected';
        await rt.step('approveEmergency', actor, i, [{ recipient: custodian(), text: texts.emergencyRejected(i.note) }]);
        return;
      }
      rt.queueStep('approveEmergency', actor, i);
      await lend(actor, { emergency: input.emergency?.kind });
    },
    async completePaperwork(actor, i) {
      view.borrower = i.borrower;
      view.purpose = i.purpose;
      view.paperworkDone = true;
      board.stop('paperwork');
      if (view.stage === 'awaitingPaperwork') view.stage = 'returned';
      await rt.step('completePaperwork', actor, i, [], { records: [{ kind: 'keyLoanPaperwork', ...i }] });
    },
    async recordReturn(actor, i) {
      board.stop('return');
      view.returnedAt = nowIso();
      view.condition = i.condition;
      view.assignee = undefined;
      view.stage = view.paperworkDone ? 'returned' : 'awaitingPaperwork';
      const notices: Notice[] = [];
      if (i.condition !== 'complete') {
        // 3. A damaged or lost key: a replacement application, which only the manager's approval turns into a register change.
        const replacementId = replacementCaseIdOf(input.caseId);
        await startChild<typeof keyReplacement>('keyReplacement', {
          workflowId: keyReplacementWorkflowId(replacementId),
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: openingSearchAttributes(keyReplacementProcedure, input.unit, input.calendar?.centre),
          args: [
            {
              caseId: replacementId,
              keyId: input.keyId,
              unit: input.unit,
              kind: 'replace',
              reason: `借用 ${input.caseId} 归还时${i.condition === 'lost' ? '遗失' : '损坏'}${i.note ? `：${i.note}` : ''}`,
              appliedBy: actor,
              fromLoan: input.caseId,
              calendar: input.calendar,
              warnAt: input.warnAt,
            },
          ],
        });
        view.replacementCaseId = replacementId;
        notices.push({ recipient: role('supervisor'), text: texts.damaged(i.condition, replacementId) });
      }
      await rt.step('recordReturn', actor, i, notices, { records: [{ kind: 'keyLoanClosed', condition: i.condition, note: i.note }] });
    },
  };
}

// ---- the case's parts the procedure and its handlers share ----

type KeyLoanCase = ReturnType<typeof keyLoanCase>;

function keyLoanCase(input: KeyLoanInput) {
  const cal = BusinessCalendar.from(input.calendar);
  const requestedAt = new Date(workflowNow());
  const texts = keyLoanTexts(input, cal);
  const view: KeyLoanView = {
    caseId: input.caseId,
    procedure: 'keyLoan',
    keyId: input.keyId,
    unit: input.unit,
    stage: input.emergency ? 'awaitingEmergencyApproval' : input.sealed ? 'awaitingUnsealApproval' : 'onLoan',
    borrower: input.borrower,
    purpose: input.purpose,
    emergency: input.emergency?.kind,
    sealed: input.sealed,
    paperworkDone: input.emergency === undefined,
    clocks: [],
    breached: false,
    requestedAt: requestedAt.toISOString(),
    firstReceiver: input.requestedBy.id,
  };
  const rt = new CaseRuntime<KeyLoanView>({
    cal,
    actions: keyLoanActions,
    label: `钥匙借用 ${input.caseId}（${input.keyId}）`,
    headline: `${input.borrower}：${input.purpose}${input.emergency ? '（紧急用钥）' : ''}`,
    view,
    stageName: (s) => keyLoanStageNames[s],
    waitingOn: (v, board) => waitingOn(v, board.dueAt.bind(board)),
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;
  /** The csr who keeps the ledger and chases the key: the one who lent it, or whoever it was handed over to. */
  const custodian = (): Recipient => staff(view.firstReceiver);
  /** A key out: the custodian chases it, then the supervisor and the manager, one interval apart. */
  const chased = (name: 'return' | 'paperwork'): ClockSpec => ({
    ...rt.clock(name, steps[name], due[name], custodian(), 'manager', [role('supervisor'), role('manager')]),
    escalateEvery: keyEscalateEvery,
  });

  /** 2. The ledger entry and the key out; the register refuses a key already out, lost or damaged. */
  async function lend(actor: StepActor, detail: object): Promise<void> {
    view.stage = 'onLoan';
    view.loanedAt = nowIso();
    view.assignee = input.borrower;
    board.start(chased('return'));
    const notices: Notice[] = [{ recipient: custodian(), text: texts.loaned(board.dueAt('return')) }];
    if (input.emergency) {
      board.start(chased('paperwork'));
      notices.push({ recipient: custodian(), text: texts.paperworkDue(board.dueAt('paperwork')) });
    }
    const loan: CaseRecord = { kind: 'keyLoanOpened', keyId: input.keyId, borrower: input.borrower, purpose: input.purpose, signatureRef: input.signatureRef, emergency: input.emergency?.kind };
    try {
      await rt.step('lend', actor, detail, notices, { records: [loan] });
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err; // a local activity's failure may come unwrapped
      if (!(cause instanceof ApplicationFailure && (Object.values(keyFailure) as string[]).includes(cause.type ?? ''))) throw err;
      // Refused: nothing of the loan was written; the key never went out.
      board.forget('return');
      board.forget('paperwork');
      view.stage = 'refused';
      view.loanedAt = undefined;
      view.assignee = undefined;
      view.refusal = cause.message;
      view.refusedAs = cause.type ?? undefined;
      await rt.step('refuse', systemActor, { reason: cause.type }, [{ recipient: custodian(), text: texts.refused(cause.message) }]);
    }
  }

  return { input, cal, requestedAt, texts, view, rt, board, custodian, chased, lend };
}

function waitingOn(v: KeyLoanView, dueAt: (clock: string) => Date | undefined): KeyLoanView['waitingOn'] {
  const by = (clock: string) => dueAt(clock)?.toISOString();
  switch (v.stage) {
    case 'awaitingUnsealApproval':
      return { who: '客服主管', what: '审批启封', dueAt: by('unsealApproval') };
    case 'awaitingEmergencyApproval':
      return { who: '服务中心经理', what: '审批紧急用钥', dueAt: by('emergencyApproval') };
    case 'onLoan':
      return { who: v.borrower, what: '归还钥匙', dueAt: by('return') };
    case 'awaitingPaperwork':
      return { who: v.borrower, what: '补办借用手续', dueAt: by('paperwork') };
    default:
      return undefined;
  }
}

/**
 * 月度归档 (DOMAIN.md §5), one month's filing as a case: the csr files the
 * previous month's papers into each household's file and updates the inventory by
 * the 5th ("by day D": due at the end of the 5th); the clock is the csr's, met when
 * the filing is recorded with the inventory count (who, when, what); missed, it
 * goes to the supervisor, then the manager.
 */
import { setHandler, workflowInfo } from '@temporalio/workflow';
import { BusinessCalendar, untilRule } from '../lib/calendar';
import { CaseRuntime } from '../lib/caseRuntime';
import { defaultWarnAt } from '../lib/clock';
import { role, systemActor } from '../lib/roles';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { nowIso } from '../lib/time';
import {
  monthlyFilingActions,
  type MonthlyFilingCaseInput,
  type MonthlyFilingOutcome,
  monthlyFilingStageNames,
  monthlyFilingState,
  monthlyFilingUpdates,
  type MonthlyFilingView,
} from './monthlyFiling.messages';
import { monthlyFilingCaseTexts } from './monthlyFiling.texts';

const filingStep = '月度归档（更新客户档案资料明细表）';

export async function monthlyFilingCase(input: MonthlyFilingCaseInput): Promise<MonthlyFilingOutcome> {
  const cal = BusinessCalendar.from(input.calendar);
  const texts = monthlyFilingCaseTexts(input);
  const view: MonthlyFilingView = {
    caseId: input.caseId,
    procedure: 'monthlyFiling',
    month: input.month,
    dueBy: input.dueBy,
    stage: 'filing',
    expected: input.expected,
    clocks: [],
    breached: false,
    openedAt: nowIso(),
  };
  const rt = new CaseRuntime<MonthlyFilingView>({
    cal,
    actions: monthlyFilingActions,
    label: `月度归档 ${input.month}`,
    headline: `${input.month} 业主资料归档，${input.dueBy} 前`,
    view,
    stageName: (s) => monthlyFilingStageNames[s],
    waitingOn: (v, board) => (v.stage === 'filing' ? { who: '客服员', what: '月度归档', dueAt: board.dueAt('filing')?.toISOString() } : undefined),
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;

  const handlers: ActionHandlers<typeof monthlyFilingActions> = {
    async recordFiling(actor, i) {
      board.stop('filing');
      view.filed = { ...i, by: actor.id, at: nowIso() };
      view.stage = 'filed';
      await rt.step('recordFiling', actor, i, [{ recipient: role('supervisor'), text: texts.filed(actor.id, i.households, i.entries) }]);
    },
  };
  let registered = false;
  handleStaffActions({ table: monthlyFilingActions, updates: monthlyFilingUpdates, stage: () => view.stage, ready: () => registered, handlers, runtime: rt });
  setHandler(monthlyFilingState, () => rt.current());

  rt.open({
    procedure: 'monthlyFiling',
    workflowId: workflowInfo().workflowId,
    unit: '全部',
    ownerName: '',
    ownerPhone: '',
    summary: `月度归档 ${input.month}`,
    firstReceiver: input.openedBy?.id ?? 'system',
    openedAt: view.openedAt,
  });
  // Due by the 5th: the end of that day, the csr's; missed, the supervisor, then the manager.
  board.start(rt.clock('filing', filingStep, untilRule(cal.dueByDate(input.dueBy)), role('csr')));
  await rt.step('open', input.openedBy ?? systemActor, { month: input.month, dueBy: input.dueBy, expected: input.expected }, [{ recipient: role('csr'), text: texts.due() }]);
  rt.runClocks();
  registered = true;

  const closedAt = await rt.finished(() => view.stage === 'filed');
  await rt.close(systemActor, 'filed', closedAt);
  return { caseId: input.caseId, outcome: 'filed', view };
}

/**
 * 钥匙对照查验 (DOMAIN.md §4), one check as a case: the front-desk csr checks every
 * key of the register at its hook the same day (present, seal intact, out on loan,
 * missing); the check records who and when; a key not found as the register says
 * goes to the manager at once; the week's usage and the result to the supervisor.
 */
import { ApplicationFailure, setHandler, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar } from '../lib/calendar';
import { CaseRuntime, type Notice } from '../lib/caseRuntime';
import { defaultWarnAt } from '../lib/clock';
import { role, systemActor } from '../lib/roles';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { nowIso } from '../lib/time';
import {
  expectedFinding,
  keyCheckActions,
  type KeyCheckDiscrepancy,
  type KeyCheckInput,
  type KeyCheckOutcome,
  keyCheckStageNames,
  keyCheckState,
  keyCheckUpdates,
  type KeyCheckView,
} from './keyCheck.messages';
import { keyCheckTexts } from './weeklyKeyAudit.texts';

/** The check is done the day it opens (default: the same business day). */
const checkDue = 'same day';
const checkStep = '钥匙对照查验';

export async function keyCheck(input: KeyCheckInput): Promise<KeyCheckOutcome> {
  const cal = BusinessCalendar.from(input.calendar);
  const texts = keyCheckTexts(input, cal);
  const register = new Map(input.keys.map((k) => [k.keyId, k]));
  const view: KeyCheckView = { caseId: input.caseId, procedure: 'keyCheck', stage: 'checking', keys: input.keys.length, checklist: input.keys, recorded: [], discrepancies: [], clocks: [], breached: false, openedAt: nowIso() };
  const rt = new CaseRuntime<KeyCheckView>({
    cal,
    actions: keyCheckActions,
    label: `钥匙查验 ${input.caseId}`,
    headline: `${input.keys.length} 把钥匙对照台账查验`,
    view,
    stageName: (s) => keyCheckStageNames[s],
    waitingOn: (v, board) => (v.stage === 'checking' ? { who: '前台客服员', what: checkStep, dueAt: board.dueAt('check')?.toISOString() } : undefined),
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;

  const handlers: ActionHandlers<typeof keyCheckActions> = {
    async recordKeyCheck(actor, i) {
      const discrepancies: KeyCheckDiscrepancy[] = i.results.flatMap((r) => {
        const k = register.get(r.keyId);
        return k && !expectedFinding[k.status].includes(r.found) ? [{ keyId: k.keyId, unit: k.unit, part: k.part, register: k.status, found: r.found, note: r.note }] : [];
      });
      view.recorded.push(...i.results.map((r) => ({ keyId: r.keyId, by: actor.id })));
      view.discrepancies.push(...discrepancies);
      const notices: Notice[] = [];
      // A discrepancy goes to the manager at once (with each batch); the csr follows it to resolution.
      if (discrepancies.length > 0) notices.push({ recipient: role('manager'), text: texts.discrepancies(actor.id, discrepancies) });
      if (view.recorded.length >= input.keys.length) {
        board.stop('check');
        view.checked = { by: actor.id, at: nowIso(), discrepancies: view.discrepancies };
        view.stage = 'checked';
        notices.push({ recipient: role('supervisor'), text: texts.result(actor.id, view.discrepancies) });
      }
      await rt.step('recordKeyCheck', actor, { results: i.results, discrepancies }, notices);
    },
  };
  let registered = false;
  handleStaffActions({
    table: keyCheckActions,
    updates: keyCheckUpdates,
    stage: () => view.stage,
    ready: () => registered,
    // Keys of the checklist only, each once across the batches.
    authorize: (_action, _actor, raw) => {
      const results = (raw as { results?: { keyId?: string }[] } | null)?.results ?? [];
      const seen = new Set(view.recorded.map((r) => r.keyId));
      for (const r of results) {
        const id = r.keyId ?? '';
        if (!register.has(id)) throw ApplicationFailure.nonRetryable(`钥匙 ${id} 不在本次查验清单中`, rejection.invalidInput);
        if (seen.has(id)) throw ApplicationFailure.nonRetryable(`钥匙 ${id} 已登记`, rejection.invalidInput);
        seen.add(id);
      }
    },
    handlers,
    runtime: rt,
  });
  setHandler(keyCheckState, () => rt.current());

  rt.open({
    procedure: 'keyCheck',
    workflowId: workflowInfo().workflowId,
    unit: '钥匙柜',
    ownerName: '',
    ownerPhone: '',
    summary: `钥匙对照查验（${input.keys.length} 把）`,
    firstReceiver: input.openedBy?.id ?? 'system',
    openedAt: view.openedAt,
  });
  board.start(rt.clock('check', checkStep, checkDue, role('csr')));
  await rt.step('open', input.openedBy ?? systemActor, { keys: input.keys.length, usage: input.usage }, [
    { recipient: role('csr'), text: texts.due(board.dueAt('check')) },
    { recipient: role('supervisor'), text: texts.usage() },
  ]);
  rt.runClocks();
  registered = true;

  const closedAt = await rt.finished(() => view.stage === 'checked');
  await rt.close(systemActor, 'checked', closedAt);
  return { caseId: input.caseId, outcome: 'checked', view };
}

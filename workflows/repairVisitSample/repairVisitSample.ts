/**
 * 维修抽样回访, one month's sample of repair work orders as a case (003 回访率 2): the
 * csr visits each sampled order within 1 month of the draw; each visit is recorded
 * once (the process, the fee, the result); one that finds the owner unsatisfied or a
 * problem (回访不合格) is told to the supervisor and engineering at once.
 */
import { ApplicationFailure, setHandler, workflowInfo } from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar } from '../lib/calendar';
import { CaseRuntime, type Notice } from '../lib/caseRuntime';
import { defaultWarnAt } from '../lib/clock';
import { role, systemActor } from '../lib/roles';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { nowIso } from '../lib/time';
import { sampledVisitRule } from '../repair/returnVisitSampling';
import {
  repairVisitSampleActions,
  type RepairVisitSampleInput,
  type RepairVisitSampleOutcome,
  repairVisitSampleStageNames,
  repairVisitSampleState,
  repairVisitSampleUpdates,
  type RepairVisitSampleView,
} from './repairVisitSample.messages';

const visitStep = '维修抽样回访';

export async function repairVisitSample(input: RepairVisitSampleInput): Promise<RepairVisitSampleOutcome> {
  const cal = BusinessCalendar.from(input.calendar);
  const label = `维修抽样回访 ${input.month}`;
  const view: RepairVisitSampleView = { caseId: input.caseId, procedure: 'repairVisitSample', stage: 'visiting', month: input.month, orders: input.orders, sample: input.sample, visits: [], clocks: [], breached: false, openedAt: nowIso() };
  const rt = new CaseRuntime<RepairVisitSampleView>({
    cal,
    actions: repairVisitSampleActions,
    label,
    headline: `${input.month} 派工单 ${input.orders} 张，抽样 ${input.sample.length} 张`,
    view,
    stageName: (s) => repairVisitSampleStageNames[s],
    waitingOn: (v, board) => (v.stage === 'visiting' ? { who: '客服员', what: `抽样回访（余 ${v.sample.length - v.visits.length} 单）`, dueAt: board.dueAt('sampleVisits')?.toISOString() } : undefined),
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;
  const done = () => view.visits.length >= view.sample.length;

  const handlers: ActionHandlers<typeof repairVisitSampleActions> = {
    async recordSampledVisit(actor, i) {
      view.visits.push({ order: i.order, satisfied: i.satisfied, problemFound: i.problemFound, by: actor.id, at: nowIso() });
      const notices: Notice[] = [];
      if (!i.satisfied || i.problemFound) {
        const text = `【回访不合格】${label}：派工单 ${i.order} 回访${i.problemFound ? '发现问题' : '业主不满意'}${i.note ? `（${i.note}）` : ''}，请安排返修并跟进。`;
        notices.push({ recipient: role('supervisor'), text }, { recipient: role('technician'), text });
      }
      if (done()) {
        board.stop('sampleVisits');
        view.stage = 'visited';
      }
      await rt.step('recordSampledVisit', actor, i, notices);
    },
  };
  let registered = false;
  handleStaffActions({
    table: repairVisitSampleActions,
    updates: repairVisitSampleUpdates,
    stage: () => view.stage,
    ready: () => registered,
    // Each sampled order once; no other.
    authorize: (_action, _actor, raw) => {
      const order = ((raw as { order?: string } | null)?.order ?? '').trim();
      if (!view.sample.some((o) => o.caseId === order)) throw ApplicationFailure.nonRetryable(`派工单 ${order} 不在本月样本中`, rejection.invalidInput);
      if (view.visits.some((v) => v.order === order)) throw ApplicationFailure.nonRetryable(`派工单 ${order} 已回访`, rejection.invalidStage);
    },
    handlers,
    runtime: rt,
  });
  setHandler(repairVisitSampleState, () => rt.current());

  rt.open({ procedure: 'repairVisitSample', workflowId: workflowInfo().workflowId, unit: '全部', ownerName: '', ownerPhone: '', summary: label, firstReceiver: input.openedBy?.id ?? 'system', openedAt: view.openedAt });
  board.start(rt.clock('sampleVisits', visitStep, sampledVisitRule, role('csr')));
  const list = input.sample.map((o) => `${o.caseId}（${o.unit}：${o.fault}）`).join('；');
  await rt.step('open', input.openedBy ?? systemActor, { month: input.month, orders: input.orders, size: input.sample.length, sample: input.sample.map((o) => o.caseId) }, [
    { recipient: role('csr'), text: `【抽样回访】${input.month} 派工单 ${input.orders} 张，抽取 ${input.sample.length} 张，请于 1 个月内回访：${list || '无'}。` },
  ]);
  rt.runClocks();
  registered = true;
  if (done()) view.stage = 'visited';

  const closedAt = await rt.finished(() => view.stage === 'visited');
  await rt.close(systemActor, 'visited', closedAt);
  return { caseId: input.caseId, outcome: 'visited', view };
}

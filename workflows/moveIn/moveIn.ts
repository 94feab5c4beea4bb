/**
 * 入住办理 — the move-in procedure (DOMAIN.md §1), in the manual's order.
 *
 * 1. identity and documents (the delegate's papers when someone acts for the
 * owner, the parking agreement for an underground space) → 2. fees, each with
 * amount and receipt number → 3. items and keys (keys left with the centre go
 * into the key cabinet) → 4. inspection; every defect opens a repair case
 * (遗留工程) that outlives the move-in → 5. the routing slip and the papers go
 * into the owner's file. Each step is a checklist: complete only when every
 * required item carries its evidence. A move-in that stalls reminds the csr
 * after 3 business days and reaches the supervisor after 5.
 *
 * The procedure reads from the top; the staff actions that move it on are below
 * it (`moveInActionHandlers`), and the case's parts they share (`moveInCase`)
 * below them.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { rejection } from '../lib/actions';
import { BusinessCalendar } from '../lib/calendar';
import { CaseRuntime } from '../lib/caseRuntime';
import type { OwnerFileKind } from '../lib/ownerFile';
import type { CaseRecord } from '../lib/stepRecord';
import { type Recipient, role, staff, systemActor } from '../lib/roles';
import { openingSearchAttributes } from '../lib/searchAttributes';
import { type ActionHandlers, handleStaffActions } from '../lib/staffActions';
import { nowIso, workflowNow } from '../lib/time';
import { defaultWarnAt } from '../lib/clock';
import { maskName } from '../lib/mask';
import { repairProcedure, repairWorkflowId, type RepairInput } from '../repair/repair.messages';
import type { repairRequest } from '../repair/repairRequest';
import {
  checklist,
  defectCaseIdOf,
  moveInActions,
  type MoveInInput,
  type MoveInOutcome,
  moveInStageNames,
  moveInState,
  type MoveInStep,
  moveInSteps,
  moveInUpdates,
  type MoveInView,
  requiredItems,
} from './moveIn.messages';
import { moveInClockSteps, moveInDeadlines as due, stallWarnAt } from './moveIn.policy';
import { moveInTexts } from './moveIn.texts';

export async function moveIn(input: MoveInInput): Promise<MoveInOutcome> {
  const c = moveInCase(input);
  const { texts, view, rt, csr, restartStallClock, finishedRepairs, missing } = c;

  let registered = false;
  handleStaffActions({
    table: moveInActions,
    updates: moveInUpdates,
    stage: () => view.stage,
    ready: () => registered,
    authorize: (action, _actor, raw) => {
      // Steps in order: only the step in hand takes items and completes.
      const req = raw as { step: string; item?: string };
      if (action === 'recordItem' || action === 'completeStep') {
        if (req.step !== view.stage) {
          throw ApplicationFailure.nonRetryable(`当前步骤是「${moveInStageNames[view.stage]}」，不能办理「${moveInStageNames[req.step as MoveInStep] ?? req.step}」`, rejection.invalidStage);
        }
      }
      if (action === 'recordItem' && req.item !== undefined && view.stage !== 'completed' && !view.required[view.stage].includes(req.item)) {
        throw ApplicationFailure.nonRetryable(`本次入住不需要「${itemName(view.stage, req.item)}」`, rejection.invalidInput);
      }
      if (action === 'completeStep') {
        const lacking = missing(view.stage as MoveInStep);
        if (lacking.length) {
          throw ApplicationFailure.nonRetryable(
            `「${moveInStageNames[view.stage]}」尚缺：${lacking.map((item) => itemName(view.stage as MoveInStep, item)).join('、')}`,
            rejection.invalidStage,
          );
        }
      }
    },
    handlers: moveInActionHandlers(c),
    runtime: rt,
  });
  setHandler(moveInState, () => rt.current());

  // 1. The move-in opened at the front desk; the stall clock starts.
  rt.open({
    procedure: 'moveIn',
    workflowId: workflowInfo().workflowId,
    unit: input.unit,
    ownerName: input.ownerName,
    ownerPhone: input.ownerPhone,
    summary: `入住办理：${input.ownerName}${input.delegate ? `（受托人 ${input.delegate.name}）` : ''}`,
    firstReceiver: input.receivedBy.id,
    openedAt: view.openedAt,
  });
  const finished = () => view.stage === 'completed';
  restartStallClock();
  await rt.step('open', input.receivedBy, { delegate: input.delegate, parkingSpace: input.parkingSpace });
  rt.runClocks();
  registered = true;

  // 1.–5. The csr works through the checklists.
  // 5. The routing slip and the papers go into the owner's file.
  const closedAt = await rt.finished(finished);
  const openRepairs = view.defects.filter((d) => !finishedRepairs.has(d.repairCaseId)).map((d) => d.repairCaseId);
  const slip = { caseId: input.caseId, ownerName: input.ownerName, delegate: input.delegate, parkingSpace: input.parkingSpace, items: view.items, defects: view.defects };
  const filing = (fileKind: OwnerFileKind, summary: string, content: unknown): CaseRecord => ({ kind: 'ownerFile', unit: input.unit, fileKind, ref: input.caseId, summary, content });
  rt.queueStep('file', systemActor, { openRepairs }, [{ recipient: csr(), text: texts.completed(openRepairs) }]);
  await rt.close(systemActor, 'completed', closedAt, {
    records: [
      filing('moveInNotice', `入住流转单及入住通知书：${input.ownerName}`, slip),
      filing('idCopy', `身份证复印件：${input.ownerName}${input.delegate ? `、受托人 ${input.delegate.name}` : ''}`, view.items.identity),
      filing('feeNotice', '入住缴费', view.items.fees),
      filing('inspection', `验房记录${view.defects.length ? `（遗留问题 ${view.defects.length} 项）` : ''}`, { form: view.items.inspection, defects: view.defects }),
    ],
  });
  return { caseId: input.caseId, outcome: 'completed', openRepairs, view };
}

// ---- staff actions (updates): validators reject before history; handlers move the case on ----

function moveInActionHandlers(c: MoveInCase): ActionHandlers<typeof moveInActions> {
  const { input, texts, view, rt, board, restartStallClock, markFinished } = c;
  return {
    async recordItem(actor, i) {
      const at = nowIso();
      const evidence = { ...i.evidence, checkedBy: actor.id, at };
      view.items[i.step][i.item] = evidence;
      const records: CaseRecord[] = [];
      if (i.step === 'fees') {
        records.push({ kind: 'charges', charges: [{ key: `${input.caseId}:${i.item}`, kind: `moveIn:${i.item}`, item: `${feeName(i.item)}（收据 ${i.evidence.ref}）`, amountFen: i.evidence.amountFen }] });
      }
      if (i.step === 'itemsAndKeys' && i.item === 'keyCustody' && i.evidence.keys?.length) {
        records.push({ kind: 'keysEntrusted', unit: input.unit, keys: i.evidence.keys, addedBy: actor.id });
      }
      restartStallClock();
      await rt.step('recordItem', actor, i, [], { records });
    },
    async completeStep(actor, i) {
      view.completedSteps.push(i.step);
      const next = moveInSteps[moveInSteps.indexOf(i.step) + 1];
      view.stage = next ?? 'completed';
      if (next) restartStallClock();
      else board.stop('stall');
      await rt.step('completeStep', actor, i);
    },
    async recordDefect(actor, i) {
      const n = view.defects.length + 1;
      const repairCaseId = defectCaseIdOf(input.caseId, n);
      view.defects.push({ n, description: i.description, repairCaseId, finished: false });
      const repair: RepairInput = {
        caseId: repairCaseId,
        unit: input.unit,
        ownerName: input.ownerName,
        ownerPhone: input.ownerPhone,
        fault: `验房遗留问题（入住 ${input.caseId}）：${i.description}`.slice(0, 500),
        channel: 'visit',
        paid: { kind: 'free' },
        receivedBy: actor,
        calendar: input.calendar,
        warnAt: input.warnAt,
      };
      const child = await startChild<typeof repairRequest>('repairRequest', {
        workflowId: repairWorkflowId(repairCaseId),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: openingSearchAttributes(repairProcedure, input.unit, input.calendar?.centre),
        args: [repair],
      });
      // A workflow cannot query its children: it learns a repair is done when its result arrives.
      void child.result().then(
        () => markFinished(repairCaseId),
        () => markFinished(repairCaseId),
      );
      restartStallClock();
      await rt.step('recordDefect', actor, { ...i, repairCaseId }, [{ recipient: role('technician'), text: texts.defect(repairCaseId, i.description) }]);
    },
  };
}

// ---- the case's parts the procedure and its handlers share ----

type MoveInCase = ReturnType<typeof moveInCase>;

function moveInCase(input: MoveInInput) {
  const cal = BusinessCalendar.from(input.calendar);
  const openedAt = new Date(workflowNow());
  const texts = moveInTexts(input);
  const applies = { delegate: input.delegate !== undefined, parking: input.parkingSpace !== undefined };
  const perStep = <T>(f: (s: MoveInStep) => T) => Object.fromEntries(moveInSteps.map((s) => [s, f(s)])) as Record<MoveInStep, T>;
  const view: MoveInView = {
    caseId: input.caseId,
    procedure: 'moveIn',
    unit: input.unit,
    ownerName: input.ownerName,
    delegate: input.delegate?.name,
    parkingSpace: input.parkingSpace,
    stage: 'identity',
    items: perStep(() => ({})),
    required: perStep((s) => requiredItems(s, applies)),
    completedSteps: [],
    defects: [],
    firstReceiver: input.receivedBy.id,
    assignee: input.receivedBy.id,
    clocks: [],
    breached: false,
    openedAt: openedAt.toISOString(),
  };
  const rt = new CaseRuntime<MoveInView>({
    cal,
    actions: moveInActions,
    label: `入住办理 ${input.caseId}（${input.unit}）`,
    // What the Temporal UI shows: the owner's name masked, as in the case's start details.
    headline: `${maskName(input.ownerName)}${input.delegate ? `（受托人 ${maskName(input.delegate.name)}）` : ''}${input.parkingSpace ? `，车位 ${input.parkingSpace}` : ''}`,
    view,
    stageName: (s) => moveInStageNames[s],
    waitingOn: (v, board) =>
      v.stage === 'completed' ? undefined : { who: v.assignee ?? '客服员', what: moveInStageNames[v.stage], dueAt: board.dueAt('stall')?.toISOString() },
    warnAt: input.warnAt ?? defaultWarnAt,
  });
  const { board } = rt;
  /** The csr handling the move-in: the receiver, or whoever it was reassigned to. */
  const csr = (): Recipient => staff(view.assignee ?? input.receivedBy.id);
  /** The stall clock: restarted on every recorded item or step; the csr at 3 working days, the supervisor at 5. */
  const restartStallClock = () =>
    board.start({ ...rt.clock('stall', moveInClockSteps.stall, due.stall, csr(), [role('supervisor')], [role('supervisor')]), warnAt: stallWarnAt });
  /** Repairs opened at inspection, by receipt number: finished once their result arrives. */
  const finishedRepairs = new Set<string>();

  const missing = (step: MoveInStep) => view.required[step].filter((item) => view.items[step][item] === undefined);

  function markFinished(repairCaseId: string): void {
    finishedRepairs.add(repairCaseId);
    const d = view.defects.find((x) => x.repairCaseId === repairCaseId);
    if (d) d.finished = true;
  }

  return { input, cal, openedAt, texts, applies, perStep, view, rt, board, csr, restartStallClock, finishedRepairs, missing, markFinished };
}

function itemName(step: MoveInStep, item: string): string {
  return (checklist[step] as Record<string, { name: string }>)[item]?.name ?? item;
}

function feeName(item: string): string {
  return itemName('fees', item);
}

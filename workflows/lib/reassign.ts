/**
 * 转交: a supervisor hands everything one person holds in a case to another
 * (sick leave, shift change). One update, `case.reassign`, shared by every
 * procedure: the case's assignee and first-responsible person, and every
 * active clock that person owns, pass to the other; the step is on
 * record with who reassigned, from, to and why, and both people are told.
 *
 * Installed for every procedure by `handleStaffActions`; the validator rejects
 * before anything reaches history.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, condition, defineUpdate, setHandler } from '@temporalio/workflow';
import { z } from 'zod';
import { type ActionRequest, actorSchema, rejection } from './actions';
import type { CaseRuntime } from './caseRuntime';
import type { CaseViewBase } from './caseView';
import { type Actor, type Role, roleNames, staff } from './roles';
import { text } from './freeText';

export const reassignUpdateName = 'case.reassign';
/** The audit trail's action name of the step. */
export const reassignStep = 'handOver';
export const reassignLabel = '转交';

const texts = {
  toNewHolder: (label: string, reason: string) => `${label}已转交给您负责：${reason}`,
  toFormerHolder: (label: string, by: string, to: string, reason: string) => `${label}已由 ${by} 转交给 ${to} 负责：${reason}`,
  nothingHeld: (who: string, label: string) => `${who} 在${label}中没有待办事项，无需转交`,
};

/** Who may reassign a person's open steps. */
export const reassignRoles: readonly Role[] = ['supervisor', 'manager'];

const staffId = text(64);

export const reassignInputSchema = z.strictObject({
  from: staffId,
  to: staffId,
  reason: text(200),
});
export type ReassignInput = z.infer<typeof reassignInputSchema>;

export const reassignRequestSchema = z.strictObject({ actor: actorSchema, input: reassignInputSchema });
export type ReassignRequest = ActionRequest<ReassignInput>;

/** What changed hands. */
export interface ReassignResult {
  from: string;
  to: string;
  assignee: boolean;
  firstReceiver: boolean;
  /** Names of the clocks now owned by `to`. */
  clocks: string[];
}

export const reassignUpdate: UpdateDefinition<ReassignResult, [ReassignRequest]> = defineUpdate<ReassignResult, [ReassignRequest]>(
  reassignUpdateName,
);

/**
 * Role and input (what the API can check without asking the workflow); returns the parsed input.
 * `recorded`: the handler's re-check of a request its validator accepted. An input today's
 * stricter schema refuses (a replayed history) is taken as recorded, as `handlerInput` does
 * for every action, so the replay runs as the case ran.
 */
export function checkReassignRequest(req: unknown, recorded = false): { actor: Actor; input: ReassignInput } {
  const parsed = reassignRequestSchema.safeParse(req);
  if (!parsed.success && !recorded) {
    throw ApplicationFailure.nonRetryable(`「${reassignLabel}」的输入无效`, rejection.invalidInput, parsed.error.issues);
  }
  const { actor, input } = parsed.success ? parsed.data : (req as ReassignRequest);
  if (!reassignRoles.includes(actor.role)) {
    throw ApplicationFailure.nonRetryable(`角色「${roleNames[actor.role]}」无权执行「${reassignLabel}」`, rejection.forbidden);
  }
  if (input.from === input.to) {
    throw ApplicationFailure.nonRetryable('转出人与接收人不能相同', rejection.invalidInput);
  }
  return { actor, input };
}

/** Whether `who` holds anything in the case: assignee, first receiver, or an active clock. */
function holds<V extends CaseViewBase>(rt: CaseRuntime<V>, who: string): boolean {
  const v = rt.view;
  return v.assignee === who || v.firstReceiver === who || rt.board.hasActiveOwnedBy(staff(who));
}

/** The `case.reassign` update on a case: `ready` is true once registration is on record. */
export function handleReassign<V extends CaseViewBase>(rt: CaseRuntime<V>, ready: () => boolean): void {
  const check = (req: ReassignRequest, recorded = false): { actor: Actor; input: ReassignInput } => {
    const checked = checkReassignRequest(req, recorded);
    if (rt.ended) throw ApplicationFailure.nonRetryable('工单已结束', rejection.invalidStage);
    if (!holds(rt, checked.input.from)) {
      throw ApplicationFailure.nonRetryable(texts.nothingHeld(checked.input.from, rt.label), rejection.nothingToReassign);
    }
    return checked;
  };
  setHandler(
    reassignUpdate,
    async (req: ReassignRequest): Promise<ReassignResult> => {
      if (!ready()) await condition(ready);
      const { actor, input } = check(req, true); // again: the case may have moved on meanwhile
      const { from, to, reason } = input;
      const v = rt.view;
      const result: ReassignResult = {
        from,
        to,
        assignee: v.assignee === from,
        firstReceiver: v.firstReceiver === from,
        clocks: rt.board.reassignOwner(staff(from), staff(to)),
      };
      if (result.assignee) v.assignee = to;
      if (result.firstReceiver) v.firstReceiver = to;
      await rt.step(
        reassignStep,
        actor,
        { from, to, reason },
        [
          { recipient: staff(to), text: texts.toNewHolder(rt.label, reason) },
          { recipient: staff(from), text: texts.toFormerHolder(rt.label, actor.id, to, reason) },
        ],
      );
      return result;
    },
    { validator: (req: ReassignRequest) => void check(req) },
  );
}

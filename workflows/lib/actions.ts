/**
 * Staff actions: one table per procedure says, for each action, its input
 * schema, which roles may take it and in which stages. The API and the
 * workflow's update validators both check against the same table, so a
 * rejected action never reaches history.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { ApplicationFailure, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { CaseViewBase } from './caseView';
import { type Actor, type Role, roleNames, roles } from './roles';

export interface ActionRule<S extends z.ZodType = z.ZodType, Stage extends string = string> {
  /** What staff see in the audit trail and error messages. */
  label: string;
  input: S;
  roles: readonly Role[];
  stages: readonly Stage[];
  /** A decision a role may take whenever the stage allows (the manager closing a complaint unsatisfied), not a step the case waits on: it puts no case in an inbox. */
  anytime?: boolean;
}

export type ActionTable<Stage extends string = string> = Record<string, ActionRule<z.ZodType, Stage>>;

export const actorSchema = z.strictObject({
  id: z.string().min(1).max(64),
  role: z.enum(roles),
});

export interface ActionRequest<I = unknown> {
  actor: Actor;
  input: I;
}

/** Failure types the API turns into HTTP statuses. */
export const rejection = {
  invalidInput: 'InvalidInput', // 400
  forbidden: 'Forbidden', // 403
  invalidStage: 'InvalidStage', // 409
  nothingToReassign: 'NothingToReassign', // 409: the person holds nothing in this case
} as const;

export type InputOf<T extends ActionTable, K extends keyof T> = z.infer<T[K]['input']>;

export function actionUpdate<View>(procedure: string, action: string): UpdateDefinition<View, [ActionRequest]> {
  return defineUpdate<View, [ActionRequest]>(`${procedure}.${action}`);
}

/**
 * The answer to opening a case, sent with its start (update-with-start): the
 * case as its workflow sees it once registration is on record (stage, clocks
 * and due times), so the API never predicts them.
 */
export const caseOpened = defineUpdate<CaseViewBase, []>('case.opened');

/** One update per action of a procedure's table, named `<procedure>.<action>`. */
export function actionUpdates<View, T extends ActionTable>(
  procedure: string,
  table: T,
): Record<keyof T & string, UpdateDefinition<View, [ActionRequest]>> {
  return Object.fromEntries(Object.keys(table).map((a) => [a, actionUpdate<View>(procedure, a)])) as Record<
    keyof T & string,
    UpdateDefinition<View, [ActionRequest]>
  >;
}

/** Who acts: a known action, a well-formed actor, a role the table allows. */
function checkRole(table: ActionTable, action: string, req: ActionRequest): ActionRule {
  const rule = table[action];
  if (!rule) throw ApplicationFailure.nonRetryable(`未知操作：${action}`, rejection.invalidInput);
  const actor = actorSchema.safeParse(req.actor);
  if (!actor.success) throw ApplicationFailure.nonRetryable('操作人身份无效', rejection.invalidInput);
  if (!rule.roles.includes(req.actor.role)) {
    throw ApplicationFailure.nonRetryable(`角色「${roleNames[req.actor.role] ?? req.actor.role}」无权执行「${rule.label}」`, rejection.forbidden);
  }
  return rule;
}

/** How staff call a stage ('待接单'), for the messages of refused actions; the stage's id when not given. */
export type StageName = (stage: string) => string;

function checkStage(rule: ActionRule, stage: string, stageName: StageName = (s) => s): void {
  if (!rule.stages.includes(stage)) {
    throw ApplicationFailure.nonRetryable(`当前阶段「${stageName(stage)}」不能执行「${rule.label}」`, rejection.invalidStage);
  }
}

/** Role and input checks (the part the API can do without asking the workflow). */
export function checkRoleAndInput(table: ActionTable, action: string, req: ActionRequest): void {
  const rule = checkRole(table, action, req);
  const input = rule.input.safeParse(req.input);
  if (!input.success) {
    throw ApplicationFailure.nonRetryable(`「${rule.label}」的输入无效`, rejection.invalidInput, input.error.issues);
  }
}

/** Full check used by update validators: role, input, and whether the stage allows it. */
export function checkAction(table: ActionTable, action: string, stage: string, req: ActionRequest, stageName?: StageName): void {
  checkRoleAndInput(table, action, req);
  checkStage(table[action], stage, stageName);
}

/**
 * The check a handler repeats after waiting for the case (it may have moved on): role and
 * stage, not the input. The input was checked by the validator when the update was accepted;
 * re-checking it here would run on replay too, where a table made stricter since would refuse
 * an input that history holds as accepted, and break the case's replay.
 */
export function recheckAction(table: ActionTable, action: string, stage: string, req: ActionRequest, stageName?: StageName): void {
  checkStage(checkRole(table, action, req), stage, stageName);
}

/**
 * The input as a handler takes it: parsed by the table (its defaults and trimming); an input an
 * earlier version accepted and today's stricter table refuses (a replayed history) is taken as it
 * was recorded, so the handler runs as it ran then.
 */
export function handlerInput(rule: ActionRule, input: unknown): unknown {
  const parsed = rule.input.safeParse(input);
  return parsed.success ? parsed.data : input;
}

/**
 * Wires a procedure's action table to its updates: the validator rejects a
 * wrong role, bad input or wrong stage before anything reaches history; the
 * handler waits until the case is registered (so the audit trail keeps the
 * manual's order), checks again, then runs the procedure's handler. The shared
 * `case.reassign` update (reassign.ts) and `case.opened` are installed with them.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { condition, setHandler } from '@temporalio/workflow';
import { type ActionRequest, type ActionTable, caseOpened, checkAction, handlerInput, recheckAction } from './actions';
import type { CaseRuntime } from './caseRuntime';
import type { CaseViewBase } from './caseView';
import { handleReassign } from './reassign';
import type { Actor } from './roles';

export type ActionHandlers<T extends ActionTable> = {
  [A in keyof T]: (actor: Actor, input: ReturnType<T[A]['input']['parse']>) => Promise<void>;
};

export function handleStaffActions<T extends ActionTable, View extends CaseViewBase>(opts: {
  table: T;
  updates: Record<keyof T, UpdateDefinition<View, [ActionRequest]>>;
  stage: () => string;
  /** True once registration is on record. */
  ready: () => boolean;
  /** Extra rules beyond the table (e.g. only the assignee reports on a job; the input, already checked against the table); throws to reject. */
  authorize?: (action: keyof T & string, actor: Actor, input: unknown) => void;
  handlers: ActionHandlers<T>;
  /** The case's runtime: its current view is what every update returns. */
  runtime: CaseRuntime<View>;
}): void {
  // Every procedure also lets a supervisor hand one person's open steps to another.
  handleReassign(opts.runtime, opts.ready);
  // Opening a case answers with the workflow's own view once its registration is on record.
  setHandler(caseOpened, async () => {
    await condition(opts.ready);
    return opts.runtime.current();
  });
  const stageName = (stage: string) => opts.runtime.stageName(stage);
  const check = (name: keyof T & string, req: ActionRequest) => {
    checkAction(opts.table, name, opts.stage(), req, stageName);
    opts.authorize?.(name, req.actor, req.input);
  };
  for (const name of Object.keys(opts.table) as (keyof T & string)[]) {
    const update: UpdateDefinition<View, [ActionRequest]> = opts.updates[name];
    setHandler(
      update,
      async (req: ActionRequest): Promise<View> => {
        if (!opts.ready()) {
          await condition(opts.ready);
          // The case may have moved on meanwhile (not the input: see recheckAction).
          recheckAction(opts.table, name, opts.stage(), req, stageName);
          opts.authorize?.(name, req.actor, req.input);
        }
        const input = handlerInput(opts.table[name], req.input);
        await (opts.handlers[name] as (a: Actor, i: unknown) => Promise<void>)(req.actor, input);
        return opts.runtime.current();
      },
      { validator: (req: ActionRequest) => check(name, req) },
    );
  }
}

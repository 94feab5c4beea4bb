/**
 * A procedure's contract: everything the other layers need to know about a
 * procedure besides its workflow body — what it is called, its receipt numbers
 * and workflow ids, its stages, its action table and updates, its state query,
 * who may open one and with what input, and where the staff API serves it.
 * Each procedure's messages file exports one (`defineProcedure`), and
 * workflows/registry.ts lists them all: the permission table, the staff API's
 * routes, the inbox, the reports, the OpenAPI document and the bench read the
 * registry instead of restating a procedure.
 */
import type { QueryDefinition, SearchAttributePair, UpdateDefinition } from '@temporalio/common';
import { z } from 'zod';
import type { ActionRequest, ActionTable } from './actions';
import type { BusinessCalendar } from './calendar';
import type { Role } from './roles';

/** Receipt numbers: a procedure prefix + local yyyymmdd + `-` + 6 base36 characters, e.g. BX20261122-7QK2ZD. */
export const caseIdPattern = (prefix: string): RegExp => new RegExp(`^${prefix}\\d{8}-[0-9A-Z]{6}$`);

/**
 * What a new case shows in the Temporal UI from its start, before its workflow
 * has said anything: the unit it concerns, a one-line summary, markdown details
 * (owner data masked) and any search attribute of the procedure's own. Computed
 * from the workflow's input; the stage, assignee, next due time and breach are
 * the workflow's own (it sets them when registration is on record).
 */
export interface StartUi<Input> {
  unit(input: Input): string;
  summary(input: Input): string;
  details(input: Input, at: { cal: BusinessCalendar; now: Date }): string;
  searchAttributes?(input: Input): SearchAttributePair[];
}

export interface ProcedureContract<P extends string = string, View = unknown, Actions extends ActionTable = ActionTable, Input = unknown> {
  procedure: P;
  /** What staff call it: 报修, 投诉... */
  name: string;
  /** Receipt-number prefix (BX, TS...). */
  prefix: string;
  /** The receipt number, validated (its name in the error: 受理编号, 借用编号...). */
  caseIdSchema: z.ZodType<string>;
  /** The workflow function's name, as the worker registers it. */
  workflowType: string;
  workflowId: (caseId: string) => string;
  stageNames: Record<string, string>;
  /** Who may do what, in which stage: the workflow's validators and the API check the same table. */
  actions: Actions;
  updates: Record<keyof Actions & string, UpdateDefinition<View, [ActionRequest]>>;
  state: QueryDefinition<View>;
  /** Opening a case: what the permission is called and who has it. */
  open: { label: string; roles: readonly Role[] };
  /** What staff send to open a case (the API validates it and documents it). */
  openSchema: z.ZodType;
  /** What a new case shows in the Temporal UI from its start. */
  startUi: StartUi<Input>;
  /** Names of the steps the workflow records on its own (the rest are staff actions). */
  systemSteps: Record<string, string>;
  /** Where the staff API serves its cases (`/:caseId` reads one). */
  basePath: string;
  /** Below `basePath`, where a `POST` opens cases (default `/`; a year's event plan: `/plans`). */
  openPath?: string;
}

export function defineProcedure<const P extends string, View, const Actions extends ActionTable, Input>(
  c: Omit<ProcedureContract<P, View, Actions, Input>, 'caseIdSchema'> & { receiptName?: string },
): ProcedureContract<P, View, Actions, Input> {
  const { receiptName = '受理编号', ...contract } = c;
  return { ...contract, caseIdSchema: z.string().regex(caseIdPattern(c.prefix), `${receiptName}格式不正确（例：${c.prefix}20261122-ABC123）`) };
}

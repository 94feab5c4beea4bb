/**
 * The audit trail and the visible face of a case: every step is persisted with
 * who acted (one activity call, idempotent by its sequence key), and the case's
 * search attributes and current details are kept in step for the Temporal UI.
 */
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { Recipient, StepActor } from './roles';
import { caseAssignee, caseBreached, caseNextDue, caseStage } from './searchAttributes';
import { workflowNow } from './time';
import { recordActivities } from './recordActivities';

const { recordStep } = recordActivities;

export interface Notice {
  recipient: Recipient;
  text: string;
}

/** What a step changes on the case row besides stage and assignee. */
export interface StepExtra {
  /** When the step happened, if the procedure wrote its other records first (they carry this same moment). */
  at?: string;
  closedAt?: Date;
  outcome?: string;
  /** A new first-responsible person (the case was reassigned). */
  firstReceiver?: string;
}

export interface CaseFace {
  stage: string;
  assignee?: string;
  nextDue?: Date;
  breached: boolean;
  /** Markdown for the UI's "current details": the step, who must act, by when. */
  details: string;
}

export class CaseTrail {
  constructor(
    private readonly caseId: string,
    private seq = 0,
  ) {}

  get sequence(): number {
    return this.seq;
  }

  /** Persist one step of the procedure (audit entry + case row + outbox), in one transaction. */
  async record(
    action: string,
    actor: StepActor,
    face: CaseFace,
    detail: Record<string, unknown> = {},
    notices: Notice[] = [],
    extra: StepExtra = {},
  ): Promise<void> {
    this.seq += 1;
    await recordStep({
      caseId: this.caseId,
      seq: this.seq,
      action,
      actor,
      stage: face.stage,
      assignee: face.assignee ?? null,
      detail,
      // The closing step happened when the case closed (its archive entry carries the same moment).
      at: extra.at ?? (extra.closedAt ?? new Date(workflowNow())).toISOString(),
      notices,
      closedAt: extra.closedAt?.toISOString(),
      outcome: extra.outcome,
      firstReceiver: extra.firstReceiver,
    });
  }
}

/**
 * What a supervisor sees in the Temporal UI. Search attributes are upserted only
 * when they change (each upsert is a history event); the current details text
 * is refreshed every time.
 */
export class CaseScreen {
  private shown = '';

  show(face: CaseFace): void {
    const attributes = {
      stage: face.stage,
      assignee: face.assignee ?? null,
      nextDue: face.nextDue ?? null,
      breached: face.breached,
    };
    const key = JSON.stringify(attributes);
    if (key !== this.shown) {
      this.shown = key;
      upsertSearchAttributes([
        { key: caseStage, value: attributes.stage },
        { key: caseAssignee, value: attributes.assignee },
        { key: caseNextDue, value: attributes.nextDue },
        { key: caseBreached, value: attributes.breached },
      ]);
    }
    setCurrentDetails(face.details);
  }
}

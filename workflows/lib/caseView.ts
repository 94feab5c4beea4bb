/**
 * What every procedure's view of a case has: the parts the case runtime keeps
 * up to date (workflows/lib/caseRuntime.ts). Each procedure's view extends it
 * with its own fields (and narrows `procedure` and `stage`); the API, the
 * workbench and the tests read the same type.
 */
import type { ClockView } from './clockBoard';
import type { WaitingOn } from './stepRecord';

export interface CaseViewBase {
  caseId: string;
  procedure: string;
  stage: string;
  assignee?: string;
  /** The first-responsible person (首问责任人), where the procedure has one. */
  firstReceiver?: string;
  /** Whom the case waits on, for what, and by when. */
  waitingOn?: WaitingOn;
  clocks: ClockView[];
  breached: boolean;
  nextDueAt?: string;
  closedAt?: string;
}

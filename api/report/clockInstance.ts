/**
 * Which run of which clock a persisted `DeadlineEvent` belongs to. The clock model
 * (workflows/lib/clock.ts) keys every event `<caseId>:<clock>#<run>:<kind>[:<index>]`,
 * the run counting the clock's restarts within the case (clockBoard.ts); the part
 * before `:<kind>` names one run, so a restarted clock (a daily follow-up, a new
 * handling round, a return visit after rework) is never confused with its last run.
 */
const eventKey = /^(.*#(\d+)):[a-z]+(?::[^:]*)?$/;

export interface ClockInstance {
  /** `<caseId>:<clock>#<run>`. */
  id: string;
  /** 1 for the clock's first run in the case. */
  run: number;
}

export function clockInstanceOf(key: string): ClockInstance {
  const m = eventKey.exec(key);
  return m ? { id: m[1], run: Number(m[2]) } : { id: key, run: 1 };
}

/**
 * Writes a case's records the way its workflow would, without running one: the
 * case row, audit steps and return visits through the real activities, and
 * clock events produced by the real clock model (workflows/lib/clock.ts) at
 * the given instants — so a seeded month looks like what workflows write.
 */
import type { Activities } from '../../activities';
import type { BusinessCalendar } from '../../workflows/lib/calendar';
import { type ClockEvent, type ClockSpec, type ClockState, collectDue, startClock, stopClock } from '../../workflows/lib/clock';
import { escalationChain, type StepActor } from '../../workflows/lib/roles';
import { defaultWarnAt } from '../../workflows/lib/clock';
import { clockEventRecord } from '../../workflows/lib/clockBoard';
import type { CaseOpening as CaseRowOpening, CaseRecord, CaseRowState } from '../../workflows/lib/stepRecord';

export interface CaseOpening {
  caseId: string;
  procedure: string;
  unit: string;
  summary: string;
  openedAt: Date;
}

export class CaseWriter {
  private readonly clocks = new Map<string, ClockState>();
  private readonly runs: Record<string, number> = {};
  private seq = 0;

  private constructor(
    private readonly acts: Activities,
    private readonly cal: BusinessCalendar,
    readonly caseId: string,
  ) {}

  private opening: CaseRowOpening | undefined;
  private version = 0;

  /** The case row is written with its first step, as a workflow's registration is. */
  static open(acts: Activities, cal: BusinessCalendar, c: CaseOpening, by: StepActor): CaseWriter {
    const w = new CaseWriter(acts, cal, c.caseId);
    w.opening = { procedure: c.procedure, workflowId: `${c.procedure}-${c.caseId}`, unit: c.unit, ownerName: '业主', ownerPhone: '13800000000', summary: c.summary, firstReceiver: by.id, openedAt: c.openedAt.toISOString() };
    return w;
  }

  /** One audit step, with the step's records; `closed` records the case's end with that outcome. */
  async step(action: string, by: StepActor, at: Date, detail: Record<string, unknown> = {}, closed?: string, records: CaseRecord[] = []): Promise<void> {
    this.seq += 1;
    const open = this.opening;
    this.opening = undefined;
    await this.acts.recordStep({
      caseId: this.caseId,
      at: at.toISOString(),
      open,
      entries: [{ seq: this.seq, action, actor: by, stage: closed ?? 'open', detail }],
      row: { ...this.row(closed ?? 'open'), ...(closed ? { closedAt: at.toISOString(), outcome: closed } : {}) },
      events: [],
      records,
      notices: [],
    });
  }

  private row(stage: string): CaseRowState {
    this.version += 1;
    return { version: this.version, stage, assignee: null, waitingOn: null, duties: [], nextDueAt: null, breached: [...this.clocks.values()].some((c) => c.breached) };
  }

  /** Start (or restart) a clock whose owner is warned at 50% and 80% and whose breach climbs the chain. */
  async startClock(name: string, step: string, rule: string, at: Date): Promise<void> {
    const run = (this.runs[name] = (this.runs[name] ?? 0) + 1);
    const spec: ClockSpec = { name, step, rule, owner: 'role:csr', warnAt: defaultWarnAt, escalateTo: escalationChain };
    const { state, events } = startClock(this.cal, `${this.caseId}:${name}#${run}`, spec, at.getTime());
    this.clocks.set(name, state);
    await this.persist(events);
  }

  /** The step is done at `at`: whatever fell due before (warnings, the breach) is recorded first. */
  async stopClock(name: string, at: Date, outcome: 'met' | 'cancelled' = 'met'): Promise<void> {
    await this.persist(stopClock(this.cal, this.clock(name), at.getTime(), outcome));
  }

  /** Time passes to `at` with the clocks running: their warnings, breaches and escalations. */
  async advanceTo(at: Date): Promise<void> {
    for (const c of this.clocks.values()) await this.persist(collectDue(this.cal, c, at.getTime()));
  }

  private clock(name: string): ClockState {
    const c = this.clocks.get(name);
    if (!c) throw new Error(`no clock ${name} on ${this.caseId}`);
    return c;
  }

  private async persist(events: ClockEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.acts.recordDeadlineEvents({
      caseId: this.caseId,
      events: events.map(clockEventRecord),
      row: this.row('open'),
    });
  }
}

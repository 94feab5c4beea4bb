/**
 * What every procedure's workflow needs around its own steps: the business
 * calendar, the deadline board, the audit trail, and the case's face in the
 * Temporal UI (search attributes + current details) kept in step with its view.
 */
import { patched } from '@temporalio/workflow';
import type { BusinessCalendar } from './calendar';
import { type CaseFace, CaseScreen, CaseTrail, type Notice, type StepExtra } from './caseTrail';
import type { ClockSpec } from './clock';
import { boardPatches, type ClockView, DeadlineBoard, type DeadlineBoardSnapshot } from './deadlines';
import { escalationChain, type Recipient, type StepActor } from './roles';

/** The parts of a procedure's view the runtime keeps up to date. */
export interface CaseViewBase {
  stage: string;
  assignee?: string;
  /** The first-responsible person (首问责任人), where the procedure has one. */
  firstReceiver?: string;
  waitingOn?: { who: string; what: string; dueAt?: string };
  clocks: ClockView[];
  breached: boolean;
  nextDueAt?: string;
}

export interface CaseRuntimeOptions<V extends CaseViewBase> {
  cal: BusinessCalendar;
  caseId: string;
  /** '报修 BX…（3-2-1101）': how staff name the case in messages. */
  label: string;
  view: V;
  /** Whom the case waits on, for what and by when, given its stage. */
  waitingOn: (view: V, board: DeadlineBoard) => V['waitingOn'];
  /** Lines of the UI's current details besides stage, waiting and breach. */
  headline: string;
  stageName: (stage: V['stage']) => string;
  warnAt: readonly number[];
  carried?: { board: DeadlineBoardSnapshot; seq: number };
}

export class CaseRuntime<V extends CaseViewBase> {
  readonly board: DeadlineBoard;
  readonly trail: CaseTrail;
  private readonly screen = new CaseScreen();
  private closing = false;

  constructor(private readonly o: CaseRuntimeOptions<V>) {
    this.trail = new CaseTrail(o.caseId, o.carried?.seq ?? 0);
    this.board = new DeadlineBoard(o.cal, o.caseId, o.label, () => this.publish(), o.carried?.board);
  }

  get view(): V {
    return this.o.view;
  }

  /** '报修 BX…（3-2-1101）': how staff name the case in messages. */
  get label(): string {
    return this.o.label;
  }

  /** True once the case is closing: nothing changes hands any more. */
  get ended(): boolean {
    return this.closing;
  }

  /** A clock for a step: its rule, its owner, warnings at the configured fractions, the escalation chain. */
  clock(name: string, step: string, rule: string, owner: Recipient, escalateTo: readonly Recipient[] = escalationChain): ClockSpec {
    return { name, step, rule, owner, warnAt: this.o.warnAt, escalateTo };
  }

  /** The view with its derived parts refreshed (what queries and updates return). */
  current(): V {
    this.face();
    return this.o.view;
  }

  /** Persist one step (audit + case row + messages) and refresh the UI. */
  async step(action: string, actor: StepActor, detail: object = {}, notices: Notice[] = [], extra: Pick<StepExtra, 'firstReceiver' | 'at'> = {}): Promise<void> {
    await this.trail.record(action, actor, this.publish(), detail as Record<string, unknown>, notices, extra);
  }

  /** The closing step: stop every clock, persist their last events, record the outcome. */
  async close(actor: StepActor, outcome: string, clocksRunning: Promise<void> | undefined, closedAt: Date): Promise<void> {
    this.closing = true;
    // A warning or breach that fell due in the task that closes the case is recorded, not cancelled with its clock.
    if (patched(boardPatches.flushWaitsForBatchInFlight)) this.board.collectDueNow();
    this.board.stopAll('案件已结束');
    await clocksRunning;
    await this.board.flush();
    await this.trail.record('close', actor, this.publish(), { outcome }, [], { closedAt, outcome });
  }

  publish(): CaseFace {
    const f = this.face();
    this.screen.show(f);
    return f;
  }

  private face(): CaseFace {
    const v = this.o.view;
    const waiting = this.o.waitingOn(v, this.board);
    v.waitingOn = waiting;
    v.clocks = this.board.view();
    v.nextDueAt = this.board.nextDue()?.toISOString();
    v.breached = this.board.everBreached();
    const cal = this.o.cal;
    const details = [
      `**${this.o.label}** — ${this.o.headline}`,
      `阶段：${this.o.stageName(v.stage)}${v.assignee ? `；负责人：${v.assignee}` : ''}`,
      waiting ? `等待：${waiting.who} ${waiting.what}${waiting.dueAt ? `，时限 ${cal.formatLocal(new Date(waiting.dueAt))}` : ''}` : '',
      v.breached ? '⚠ 已有时限超时' : '',
    ].filter(Boolean);
    return { stage: v.stage, assignee: v.assignee, nextDue: this.board.nextDue(), breached: v.breached, details: details.join('\n\n') };
  }
}

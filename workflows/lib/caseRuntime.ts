/**
 * What every procedure's workflow needs around its own steps: the business
 * calendar, the clock board, the case's record (one write per step) and what
 * a supervisor sees of it in the Temporal UI (search attributes + current
 * details), kept in step with its view.
 *
 * One write per step: `step()` writes the step's audit entry together with
 * everything the step changed — the clock events its clocks produced, its
 * domain records, its messages and the case row (stage, who it waits on, every
 * running clock's duty) — in one activity call. Registration is the first
 * step's write (`open()` then `step()`); `queueStep()` adds an entry to the
 * next write (registration and dispatch in one write).
 */
import { allHandlersFinished, condition, patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { ActionTable } from './actions';
import type { BusinessCalendar } from './calendar';
import type { CaseViewBase } from './caseView';
import { type ClockSpec, minEscalationIntervalMs } from './clock';
import { ClockBoard, type ClockBoardSnapshot } from './clockBoard';
import { inboxLines } from './inbox';
import { recordActivities } from './recordActivities';
import { escalationChain, ladder, type LadderTop, type Recipient, type StepActor } from './roles';
import { caseAssignee, caseBreached, caseNextDue, caseStage } from './searchAttributes';
import type { CaseOpening, CaseRecord, CaseRowState, ClockEventRecord, StepEntry, WaitingOn } from './stepRecord';
import { nowIso, workflowNow } from './time';

const { recordStep, recordDeadlineEvents } = recordActivities;

export interface Notice {
  recipient: Recipient;
  text: string;
}

/** What a step writes besides its audit entry and messages. */
export interface StepExtra {
  /** Domain records of the step (service record, charges, visit, owner file, key ledger...). */
  records?: CaseRecord[];
}

/** What a case carries over when it continues as new. */
export interface CaseCarryOver {
  board: ClockBoardSnapshot;
  seq: number;
  version: number;
  /** The case climbs 0.4.0's ladders (absent: opened before 0.4.0, it keeps the chain it started with). */
  ladders?: boolean;
  /** Who registered the case (absent: carried before 0.4.2; the view says). */
  firstReceiver?: string;
}

export interface CaseRuntimeOptions<V extends CaseViewBase> {
  cal: BusinessCalendar;
  /** '报修 BX…（3-2-1101）': how staff name the case in messages. */
  label: string;
  view: V;
  /** Whom the case waits on, for what and by when, given its stage. */
  waitingOn: (view: V, board: ClockBoard) => WaitingOn | undefined;
  /** Lines of the UI's current details besides stage, waiting and breach. */
  headline: string;
  stageName: (stage: V['stage']) => string;
  warnAt: readonly number[];
  /** The procedure's action table: who acts in which stage (what puts the case in whose inbox). */
  actions: ActionTable;
  carried?: CaseCarryOver;
}

/** What a supervisor sees of the case in the Temporal UI: its search attributes and current details. */
interface UiFields {
  stage: string;
  assignee?: string;
  nextDue?: Date;
  breached: boolean;
  /** Markdown for the UI's "current details": the step, who must act, by when. */
  details: string;
}

/**
 * Since 0.4.0 a clock's ladder comes from its procedure's policy and ends at the
 * manager unless the policy says executive, one level per max(allowed time, 30
 * minutes) (issue 13 rule 2). Cases opened before keep the chain they started with.
 */
export const escalationLaddersPatch = 'escalation-ladders-0.4';

/**
 * Since 0.4.1 a case's writes (a step's, the clocks') go one at a time. Two
 * local activities in flight together resolve in whichever order they finish;
 * a replay resolves them together, so the commands that follow each (an update
 * answered, the next timer) came out in another order and the case failed
 * with a nondeterminism error once the worker had to replay it. Cases opened
 * before keep writing side by side while they replay.
 */
export const oneWriteAtATimePatch = 'one-write-at-a-time-0.4.1';

export class CaseRuntime<V extends CaseViewBase> {
  readonly board: ClockBoard;
  /** False only while replaying a case opened before 0.4.0 (its clocks climbed to the executive). */
  readonly ladders: boolean;
  private closing = false;
  private seq: number;
  private version: number;
  private opening: CaseOpening | undefined;
  /** Who registered the case: the first-responsible person where the view names none. */
  private firstReceiver: string | undefined;
  private queued: StepEntry[] = [];
  private queuedNotices: Notice[] = [];
  private queuedRecords: CaseRecord[] = [];
  /** The search attributes last upserted (as JSON). */
  private uiAttributes = '';
  private clocksRunning: Promise<void> | undefined;
  private readonly oneWriteAtATime: boolean;
  /** The write in flight, if any (the next one starts when it has finished). */
  private writing: Promise<void> | undefined;

  constructor(private readonly o: CaseRuntimeOptions<V>) {
    this.ladders = o.carried ? o.carried.ladders === true : patched(escalationLaddersPatch);
    this.oneWriteAtATime = patched(oneWriteAtATimePatch);
    this.seq = o.carried?.seq ?? 0;
    this.version = o.carried?.version ?? 0;
    this.firstReceiver = o.carried?.firstReceiver;
    this.board = new ClockBoard(o.cal, o.view.caseId, o.label, (events) => this.recordEvents(events), o.carried?.board);
  }

  get view(): V {
    return this.o.view;
  }

  /** '报修 BX…（3-2-1101）': how staff name the case in messages. */
  get label(): string {
    return this.o.label;
  }

  /** How staff call a stage of the case: '待接单'. */
  stageName(stage: string): string {
    return this.o.stageName(stage) ?? stage;
  }

  /** True once the case is closing: nothing changes hands any more. */
  get ended(): boolean {
    return this.closing;
  }

  /** The sequence number the next audit entry gets. */
  get nextSeq(): number {
    return this.seq + this.queued.length + 1;
  }

  carryOver(): CaseCarryOver {
    const firstReceiver = this.o.view.firstReceiver ?? this.firstReceiver;
    return { board: this.board.snapshot(), seq: this.seq, version: this.version, ladders: this.ladders, ...(firstReceiver === undefined ? {} : { firstReceiver }) };
  }

  /**
   * A clock for a step: its rule, its owner, warnings at the configured fractions,
   * and its ladder from the procedure's policy: up to the manager (default) or
   * the executive, or the levels given. `before040` is the chain the same clock
   * had before 0.4.0, for cases opened then.
   */
  clock(name: string, step: string, rule: string, owner: Recipient, top: LadderTop | readonly Recipient[] = 'manager', before040: readonly Recipient[] = escalationChain): ClockSpec {
    if (!this.ladders) return { name, step, rule, owner, warnAt: this.o.warnAt, escalateTo: before040 };
    const escalateTo = typeof top === 'string' ? ladder(owner, top) : top;
    return { name, step, rule, owner, warnAt: this.o.warnAt, escalateTo, escalateAtLeastMs: minEscalationIntervalMs };
  }

  /** The view with its derived parts refreshed (what queries and updates return). */
  current(): V {
    this.refreshView();
    return this.o.view;
  }

  /** Registration: the case row is written with the next step. */
  open(opening: Omit<CaseOpening, 'openedAt'> & { openedAt?: string }): void {
    const centre = this.o.cal.config.centre;
    this.opening = { ...opening, openedAt: opening.openedAt ?? nowIso(), ...(centre === undefined ? {} : { centre }) };
    this.firstReceiver = opening.firstReceiver;
  }

  /** An audit entry (with its messages and records) that goes into the next step's write. */
  queueStep(action: string, actor: StepActor, detail: object = {}, notices: Notice[] = [], extra: StepExtra = {}): void {
    this.queued.push({ seq: this.nextSeq, action, actor, stage: this.o.view.stage, detail: detail as Record<string, unknown> });
    this.queuedNotices.push(...notices);
    this.queuedRecords.push(...(extra.records ?? []));
  }

  /** One step on record: its audit entry, clocks' events, records, messages and the case row, in one write; then the Temporal UI. */
  async step(action: string, actor: StepActor, detail: object = {}, notices: Notice[] = [], extra: StepExtra = {}): Promise<void> {
    await this.write(action, actor, detail, notices, extra);
  }

  /** The clocks' runner, for the life of the case (started once the case is on record). */
  runClocks(): void {
    this.clocksRunning ??= this.board.run(() => this.closing && !this.board.hasPendingEvents());
  }

  /**
   * Waits until the case is done and every staff action in flight has finished,
   * then stamps the closing moment on the view and answers it (for `close`).
   */
  async finished(done: () => boolean): Promise<Date> {
    await condition(done);
    await condition(allHandlersFinished);
    const closedAt = new Date(workflowNow());
    this.o.view.closedAt = closedAt.toISOString();
    return closedAt;
  }

  /**
   * The closing step: every clock stopped (a warning or breach that fell due in
   * this task is recorded, not cancelled with it), its records (the owner file)
   * and the outcome, in one write, with any step queued before it (the action
   * that ended the case); then the clocks' runner ends.
   */
  async close(actor: StepActor, outcome: string, closedAt: Date, extra: StepExtra = {}): Promise<void> {
    this.closing = true;
    this.board.collectDueNow();
    this.board.stopAll('案件已结束');
    await this.write('close', actor, { outcome }, [], extra, { closedAt: closedAt.toISOString(), outcome });
    await this.clocksRunning;
    await this.board.flush();
  }

  /** Runs a write once the one in flight has finished (at once when none is). */
  private inTurn(write: () => Promise<void>): Promise<void> {
    if (!this.oneWriteAtATime) return write();
    const run = this.writing ? this.writing.then(write) : write();
    const settled = run.catch(() => undefined);
    this.writing = settled;
    void settled.then(() => {
      if (this.writing === settled) this.writing = undefined;
    });
    return run;
  }

  private write(action: string, actor: StepActor, detail: object, notices: Notice[], extra: StepExtra, closed?: { closedAt: string; outcome: string }): Promise<void> {
    return this.inTurn(() => this.writeStep(action, actor, detail, notices, extra, closed));
  }

  private async writeStep(action: string, actor: StepActor, detail: object, notices: Notice[], extra: StepExtra, closed?: { closedAt: string; outcome: string }): Promise<void> {
    const entries = [...this.queued, { seq: this.nextSeq, action, actor, stage: this.o.view.stage, detail: detail as Record<string, unknown> }];
    const messages = [...this.queuedNotices, ...notices];
    const records = [...this.queuedRecords, ...(extra.records ?? [])];
    const opening = this.opening;
    const taken = this.board.takeQueued();
    this.queued = [];
    this.queuedNotices = [];
    this.queuedRecords = [];
    this.opening = undefined;
    this.seq += entries.length;
    const row = this.rowState(closed);
    try {
      const events = this.board.records(taken);
      const centre = this.o.cal.config.centre;
      await recordStep({ caseId: this.o.view.caseId, ...(centre === undefined ? {} : { centre }), at: closed?.closedAt ?? nowIso(), open: opening, entries, row, events, records, notices: messages });
    } catch (err) {
      // Refused (a key already out): nothing was written; the step's clocks' events wait for the next write.
      this.seq -= entries.length;
      this.queued = entries.slice(0, -1);
      this.queuedNotices = messages.slice(0, messages.length - notices.length);
      this.queuedRecords = records.slice(0, records.length - (extra.records?.length ?? 0));
      this.opening = opening;
      this.board.requeue(taken);
      throw err;
    }
    this.updateUi();
  }

  private recordEvents(events: ClockEventRecord[]): Promise<void> {
    return this.inTurn(async () => {
      await recordDeadlineEvents({ caseId: this.o.view.caseId, events, row: this.rowState() });
      this.updateUi();
    });
  }

  private rowState(closed?: { closedAt: string; outcome: string }): CaseRowState {
    const v = this.current();
    this.version += 1;
    const row = {
      version: this.version,
      stage: v.stage,
      assignee: v.assignee ?? null,
      firstReceiver: v.firstReceiver,
      waitingOn: v.waitingOn ?? null,
      duties: this.board.duties(),
      nextDueAt: v.nextDueAt ?? null,
      wakeAt: this.board.wakeAt()?.toISOString() ?? null,
      breached: v.breached,
      ...closed,
    };
    const facts = { ...row, firstReceiver: v.firstReceiver ?? this.firstReceiver, closed: closed !== undefined, waitingDueAt: row.waitingOn?.dueAt };
    return { ...row, inbox: inboxLines(this.o.actions, facts) };
  }

  /**
   * Brings what a supervisor sees in the Temporal UI up to date. Search
   * attributes are upserted only when they change (each upsert is a history
   * event); the current details text is refreshed every time.
   */
  updateUi(): void {
    const f = this.uiFields();
    const attributes = { stage: f.stage, assignee: f.assignee ?? null, nextDue: f.nextDue ?? null, breached: f.breached };
    const key = JSON.stringify(attributes);
    if (key !== this.uiAttributes) {
      this.uiAttributes = key;
      upsertSearchAttributes([
        { key: caseStage, value: attributes.stage },
        { key: caseAssignee, value: attributes.assignee },
        { key: caseNextDue, value: attributes.nextDue },
        { key: caseBreached, value: attributes.breached },
      ]);
    }
    setCurrentDetails(f.details);
  }

  /** The view's derived parts: whom the case waits on, its clocks, the next due time, any breach. */
  private refreshView(): void {
    const v = this.o.view;
    v.waitingOn = this.o.waitingOn(v, this.board);
    v.clocks = this.board.view();
    v.nextDueAt = this.board.nextDue()?.toISOString();
    v.breached = this.board.everBreached();
  }

  private uiFields(): UiFields {
    this.refreshView();
    const v = this.o.view;
    const waiting = v.waitingOn;
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

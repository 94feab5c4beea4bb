/**
 * A clock, one step's timed duty: the pure model behind every "within N" rule of DOMAIN.md.
 *
 * A clock measures the time a step has been allowed (in wall-clock or business
 * time, by its rule), warns the step's owner at fractions of that time, records
 * the breach and escalates one level up the chain per further interval. It can
 * be paused (with a reason, optionally until a given instant) while the case
 * waits on the owner; paused time is not consumed.
 *
 * No Temporal and no I/O here: the workflow-side runner (clockBoard.ts) drives
 * it with the workflow clock and persists the events it returns.
 */
import type { BusinessCalendar, Basis } from './calendar';
import type { Recipient } from './roles';
import { boundedInstantMs } from './time';

/** Every procedure's default warning points: half and 80% of the allowed time (configurable per case, DEADLINE_WARN_AT). */
export const defaultWarnAt = [0.5, 0.8] as const;

export interface ClockSpec {
  /** Stable name within the case: 'response', 'dispatch', 'returnVisit'... */
  name: string;
  /** The step as staff call it, for notifications: '回复业主'. */
  step: string;
  /** How long the step may take, the way the manual says it: '1 hour', 'same day', '1 working day'. */
  rule: string;
  /** Who must act. */
  owner: Recipient;
  /** Fractions of the allowed time at which the owner is warned. */
  warnAt: readonly number[];
  /** Who hears of a breach: level 1 at the breach, one level more per further interval. */
  escalateTo: readonly Recipient[];
  /** Interval between escalation levels; defaults to the step's allowed time. */
  escalateEvery?: string;
  /**
   * The shortest interval between levels when `escalateEvery` is not given, in the
   * clock's basis: the next level one allowed time later, never sooner than this
   * (`minEscalationIntervalMs` since 0.4.0; absent on clocks started before).
   */
  escalateAtLeastMs?: number;
}

/** The next escalation level comes one allowed time after the last, never sooner than 30 minutes (DOMAIN, issue 13 rule 2). */
export const minEscalationIntervalMs = 30 * 60_000;

export type ClockEventKind =
  | 'started'
  | 'warning'
  | 'paused'
  | 'resumed'
  | 'breached'
  | 'escalated'
  | 'met'
  | 'cancelled';

export interface ClockEvent {
  /** Unique and deterministic: the idempotency key of the persisted record. */
  key: string;
  clock: string;
  step: string;
  kind: ClockEventKind;
  /** When it happened in business terms (the scheduled point for timed events). */
  at: number;
  dueAt: number;
  /** Who is told: the owner for warnings, the chain for breaches and escalations. */
  recipient?: Recipient;
  level?: number;
  fraction?: number;
  reason?: string;
}

export interface ClockState {
  id: string;
  spec: ClockSpec;
  basis: Basis;
  startedAt: number;
  allowedMs: number;
  escalateEveryMs: number;
  /** Wall or business time between escalation levels (by the `escalateEvery` rule; else the clock's own). */
  escalateBasis?: Basis;
  /** Time consumed (in basis) before the current running stretch. */
  consumedMs: number;
  /** Start of the current running stretch; undefined while paused or stopped. */
  runningSince?: number;
  status: 'running' | 'paused' | 'met' | 'cancelled';
  pauseReason?: string;
  pausedAt?: number;
  /** A pause that ends by itself (an appointment the owner chose). */
  resumeAt?: number;
  pauses: number;
  /** Business time spent paused, for reports. */
  pausedBusinessMs: number;
  warningsFired: number;
  /** 0 before the breach; the breach is level 1. */
  levelsFired: number;
  breached: boolean;
  /** Due time as of the last change (for display while paused it is undefined). */
  dueAt?: number;
}

export function startClock(
  cal: BusinessCalendar,
  id: string,
  spec: ClockSpec,
  now: number,
  /** Count from this instant instead of now: a later one (the next business day) or an earlier one (the receipt). */
  from: number = now,
): { state: ClockState; events: ClockEvent[] } {
  const start = new Date(from);
  const allowedMs = cal.allowedMs(start, spec.rule);
  const basis = cal.basisOf(spec.rule);
  const escalateEveryMs = spec.escalateEvery ? cal.allowedMs(start, spec.escalateEvery) : Math.max(allowedMs, spec.escalateAtLeastMs ?? 0);
  const state: ClockState = {
    id,
    spec,
    basis,
    startedAt: now,
    allowedMs,
    escalateEveryMs,
    escalateBasis: spec.escalateEvery ? cal.basisOf(spec.escalateEvery) : basis,
    consumedMs: 0,
    runningSince: start.getTime(),
    status: 'running',
    pauses: 0,
    pausedBusinessMs: 0,
    warningsFired: 0,
    levelsFired: 0,
    breached: false,
  };
  state.dueAt = dueOf(cal, state);
  return { state, events: [event(state, 'started', now)] };
}

/** The instant the clock reaches `consumed` ms of its allowance, if it keeps running. */
function pointAt(cal: BusinessCalendar, s: ClockState, consumed: number): number | undefined {
  if (s.runningSince === undefined) return undefined;
  // Bounded: whatever an input made of it, no moment reaches a timer, search attribute or record past 2200.
  return boundedInstantMs(cal.addInBasis(new Date(s.runningSince), Math.max(0, consumed - s.consumedMs), s.basis).getTime());
}

function dueOf(cal: BusinessCalendar, s: ClockState): number | undefined {
  return pointAt(cal, s, s.allowedMs);
}

function event(s: ClockState, kind: ClockEventKind, at: number, extra: Partial<ClockEvent> = {}): ClockEvent {
  const index = kind === 'warning' ? extra.fraction : kind === 'breached' || kind === 'escalated' ? extra.level : s.pauses;
  return {
    key: `${s.id}:${kind}${index === undefined ? '' : `:${index}`}`,
    clock: s.spec.name,
    step: s.spec.step,
    kind,
    at,
    dueAt: s.dueAt ?? at,
    ...extra,
  };
}

/** The next instant at which this clock has something to do, if any. */
export function nextClockEventAt(cal: BusinessCalendar, s: ClockState): number | undefined {
  if (s.status === 'paused') return s.resumeAt;
  if (s.status !== 'running') return undefined;
  const fraction = s.spec.warnAt[s.warningsFired];
  if (fraction !== undefined && s.levelsFired === 0) return pointAt(cal, s, fraction * s.allowedMs);
  if (s.levelsFired < s.spec.escalateTo.length) {
    const escalateBasis = s.escalateBasis ?? s.basis;
    if (s.levelsFired === 0 || escalateBasis === s.basis) {
      return pointAt(cal, s, s.allowedMs + s.levelsFired * s.escalateEveryMs);
    }
    // E.g. a same-day return escalated every hour of the clock: 17:30, 18:30, 19:30.
    const breachAt = pointAt(cal, s, s.allowedMs);
    return breachAt === undefined
      ? undefined
      : cal.addInBasis(new Date(breachAt), s.levelsFired * s.escalateEveryMs, escalateBasis).getTime();
  }
  return undefined;
}

/** Every warning, breach, escalation or automatic resumption due at or before `now`, in order. */
export function collectDue(cal: BusinessCalendar, s: ClockState, now: number): ClockEvent[] {
  const events: ClockEvent[] = [];
  for (;;) {
    const at = nextClockEventAt(cal, s);
    if (at === undefined || at > now) return events;
    if (s.status === 'paused') {
      events.push(...resumeClock(cal, s, at));
      continue;
    }
    const fraction = s.spec.warnAt[s.warningsFired];
    if (fraction !== undefined && s.levelsFired === 0) {
      s.warningsFired += 1;
      events.push(event(s, 'warning', at, { fraction, recipient: s.spec.owner }));
      continue;
    }
    s.levelsFired += 1;
    const level = s.levelsFired;
    const recipient = s.spec.escalateTo[level - 1];
    if (level === 1) {
      s.breached = true;
      s.warningsFired = s.spec.warnAt.length; // a late clock no longer warns
      events.push(event(s, 'breached', at, { level, recipient }));
    } else {
      events.push(event(s, 'escalated', at, { level, recipient }));
    }
  }
}

/** Pause while the case waits on the owner. Whatever fell due before the pause is still reported. */
export function pauseClock(
  cal: BusinessCalendar,
  s: ClockState,
  now: number,
  reason: string,
  until?: number,
): ClockEvent[] {
  if (s.status !== 'running' || s.runningSince === undefined) return [];
  const events = collectDue(cal, s, now);
  s.consumedMs += cal.msInBasis(new Date(s.runningSince), new Date(now), s.basis);
  s.runningSince = undefined;
  s.status = 'paused';
  s.pauseReason = reason;
  s.pausedAt = now;
  s.resumeAt = until === undefined ? undefined : boundedInstantMs(until);
  s.pauses += 1;
  s.dueAt = undefined;
  events.push(event(s, 'paused', now, { reason }));
  return events;
}

export function resumeClock(cal: BusinessCalendar, s: ClockState, now: number): ClockEvent[] {
  if (s.status !== 'paused' || s.pausedAt === undefined) return [];
  s.pausedBusinessMs += cal.msInBasis(new Date(s.pausedAt), new Date(now), 'business');
  const reason = s.pauseReason;
  s.status = 'running';
  s.runningSince = now;
  s.pauseReason = undefined;
  s.pausedAt = undefined;
  s.resumeAt = undefined;
  s.dueAt = dueOf(cal, s);
  return [event(s, 'resumed', now, { reason })];
}

/** The step was done (`met`, possibly late) or no longer applies (`cancelled`). */
export function stopClock(
  cal: BusinessCalendar,
  s: ClockState,
  now: number,
  outcome: 'met' | 'cancelled',
  reason?: string,
): ClockEvent[] {
  if (s.status === 'met' || s.status === 'cancelled') return [];
  const events = collectDue(cal, s, now);
  if (s.status === 'paused') events.push(...resumeClock(cal, s, now));
  s.status = outcome;
  s.runningSince = undefined;
  events.push(event(s, outcome, now, { reason }));
  return events;
}

export function isActive(s: ClockState): boolean {
  return s.status === 'running' || s.status === 'paused';
}

/**
 * The step changes hands (sick leave, shift change): an active clock owned by
 * `from` is owned by `to` from now on; its timing is untouched, so later
 * warnings simply go to the new owner. True if the clock was `from`'s.
 */
export function reassignClock(s: ClockState, from: Recipient, to: Recipient): boolean {
  if (!isActive(s) || s.spec.owner !== from) return false;
  s.spec = { ...s.spec, owner: to };
  return true;
}

/**
 * One write per step: what a workflow hands the database when a step of a case
 * happens (or a case is registered, or a clock event falls due). A domain
 * module that the workflows and the activities both import; it imports neither.
 *
 * A step's audit entries, the case row, the clock events the step caused,
 * its domain records (service record, charges, return visit, owner file, key
 * ledger, archive access) and its outbox rows are written by one activity in one
 * transaction, idempotent by the step's key (`<caseId>#<seq of its first entry>`).
 */
import type { InboxLine } from './inbox';
import type { OwnerFileKind } from './ownerFile';
import type { StepActor } from './roles';

/** Registration: the case row itself, written with the case's first step. */
export interface CaseOpening {
  procedure: string;
  workflowId: string;
  unit: string;
  ownerName: string;
  ownerPhone: string;
  summary: string;
  firstReceiver: string;
  openedAt: string;
  /** The service centre the case belongs to (its calendar's; absent: the default centre). */
  centre?: string;
}

/** One audit entry: who did what, in which stage it left the case. */
export interface StepEntry {
  seq: number;
  action: string;
  actor: StepActor;
  stage: string;
  detail: Record<string, unknown>;
}

/** A running clock's duty: who owes which step, by when (what each person's inbox shows). */
export interface Duty {
  owner: string;
  step: string;
  dueAt?: string;
}

/** Whom the case waits on now, for what, by when (the case's own answer, for every screen). */
export interface WaitingOn {
  who: string;
  what: string;
  dueAt?: string;
}

/**
 * The case row as the workflow sees it after the write. `version` grows with
 * every write of the case, so a write that commits after a later one (the
 * clocks' runner and a step side by side) never puts an older state back.
 */
export interface CaseRowState {
  version: number;
  stage: string;
  assignee: string | null;
  firstReceiver?: string;
  waitingOn: WaitingOn | null;
  duties: Duty[];
  nextDueAt: string | null;
  /** When the workflow next acts on its own (its next clock event), if ever. */
  wakeAt?: string | null;
  breached: boolean;
  closedAt?: string;
  outcome?: string;
  /** The case's lines in the staff's inboxes at this state (workflows/lib/inbox.ts); absent from writes scheduled before 0.4.2 (they leave the lines as they are). */
  inbox?: InboxLine[];
}

export interface ClockEventRecord {
  key: string;
  clock: string;
  step: string;
  kind: string;
  at: string;
  dueAt: string;
  level?: number;
  recipient?: string;
  reason?: string;
  /** The message to the recipient, when the event tells someone. */
  text?: string;
}

export interface ChargeRecord {
  key: string;
  /** Repairs: quote | labour | material; move-in fees: moveIn:<fee item>. */
  kind: 'quote' | 'labour' | 'material' | `moveIn:${string}`;
  /** What it is for (a move-in fee: the fee and its receipt number). */
  item: string;
  amountFen: number;
}

/** The domain records a step writes beside its audit entry; each carries the step's moment (`at`). */
export type CaseRecord =
  /** 服务记录表: created at dispatch (notifiedAt), completed as the job goes on. */
  | { kind: 'serviceRecord'; fault: string; technician?: string; taken?: true; appointment?: string; completed?: true; workDone?: string }
  | { kind: 'charges'; charges: ChargeRecord[] }
  | { kind: 'returnVisit'; round: number; visitor: string; satisfied: boolean; rating: number; feeConfirmed?: boolean; problemFound: boolean; note: string }
  /** 一户一档: an entry into the household's file. */
  | { kind: 'ownerFile'; unit: string; fileKind: OwnerFileKind; ref: string; summary: string; content: unknown }
  /** Keys an owner leaves with the centre at move-in; a key already in the register stays as it is. */
  | { kind: 'keysEntrusted'; unit: string; keys: { part: string; label: string }[]; addedBy: string }
  /** The loan ledger entry and the key going out; refused (nothing written) if the key is not available. */
  | { kind: 'keyLoanOpened'; keyId: string; borrower: string; purpose: string; signatureRef?: string; emergency?: string }
  | { kind: 'keyLoanPaperwork'; borrower: string; purpose: string; signatureRef: string }
  | { kind: 'keyLoanClosed'; condition: 'complete' | 'damaged' | 'lost'; note: string }
  /** The only change of a key itself: an approved duplication or replacement. */
  | { kind: 'keyReplaced'; keyId: string; change: 'duplicate' | 'replace'; approvedBy: string }
  | { kind: 'archiveAccessGranted'; unit: string; grantee: string; access: string; approvedBy: string; expiresAt: string }
  | { kind: 'archiveAccessRevoked' };

export interface Message {
  recipient: string;
  text: string;
}

/** Everything one step of a case writes, in one transaction. */
export interface StepWrite {
  caseId: string;
  /** The service centre of the case, whose keys and owner files its records are (absent: the default centre). */
  centre?: string;
  /** When the step happened in the case (workflow time): every row it writes carries this moment. */
  at: string;
  open?: CaseOpening;
  entries: StepEntry[];
  row: CaseRowState;
  events: ClockEventRecord[];
  records: CaseRecord[];
  notices: Message[];
}

/** Clock events that fell due with no step (the clocks' runner woke up), and the case row after them. */
export interface ClockEventsWrite {
  caseId: string;
  events: ClockEventRecord[];
  row: CaseRowState;
}

/** The idempotency key of a step write: its first audit entry's key. */
/** The centre of a case opened without one (every case before centres, and `npm start`'s only centre). */
export const defaultCentre = 'default';

/** The centre a business calendar is of (a case's, a schedule run's). */
export const centreOfCalendar = (calendar: { centre?: string }): string => calendar.centre ?? defaultCentre;

/**
 * The id of what each centre has one of (a schedule, the case its run opens): the default
 * centre's keeps the name it had before centres, another centre's ends in `-<centre>`.
 */
export const perCentre = (id: string, centre: string | undefined): string => (centre === undefined || centre === defaultCentre ? id : `${id}-${centre}`);

export const stepKey = (caseId: string, seq: number): string => `${caseId}#${seq}`;

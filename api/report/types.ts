/**
 * The monthly report (月度报表), as returned by `monthlyReport` (api/monthlyReport.ts).
 * Field names are English; the CSV (reportCsv.ts) carries the Chinese headers.
 * Instants are ISO-8601 in the calendar's local time with its offset ('2026-11-01T00:00:00+08:00');
 * rates are fractions 0–1 (null when nothing was counted).
 */
import type { ReportedProcedure } from './procedures';

/** The local calendar month reported on ('YYYY-MM') and its bounds: [from, to). */
export interface ReportPeriod {
  month: string;
  timezone: string;
  from: string;
  to: string;
  /** The centres the figures cover; null: every centre (company-wide). */
  centres: string[] | null;
}

/** 1. Cases of one procedure. */
export interface CaseCountRow {
  procedure: ReportedProcedure;
  /** Opened within the month. */
  opened: number;
  /** Closed within the month (whatever the outcome: closed, cancelled, invalid, not held...). */
  closed: number;
  /** Opened before the month's end and not closed by then. */
  openAtMonthEnd: number;
}

/** 2. One clock (step) of one procedure: its outcomes within the month. */
export interface DeadlineRow {
  procedure: string;
  /** The clock's name in the procedure's policy: 'response', 'returnVisit'... */
  clock: string;
  /** The step as staff call it: '回复业主'. */
  step: string;
  /** Steps done before their deadline (a clock finished after its breach is not met). */
  met: number;
  /** Deadlines breached within the month (each clock once, however late it was finished). */
  missed: number;
  warnings: number;
  /** Escalations beyond the breach (level 2 and up: manager, executive). */
  escalations: number;
  /** met / (met + missed). */
  metRate: number | null;
}

/** 3. Return visits (回访) of one procedure, against the rate its manual requires. */
export interface ReturnVisitRow {
  procedure: string;
  /** What is counted: cases (repair, complaint: every one) or participants (events: a 10% sample). */
  basis: 'cases' | 'participants';
  /** Cases whose return visit fell due this month (repair completed, complaint answered, event held), or their participants. */
  needed: number;
  /** Of those, visited (at any time up to the report). */
  visited: number;
  /** Visited before the return-visit deadline. */
  onTime: number;
  /** visited / needed. */
  rate: number | null;
  /** onTime / needed: what the requirement is judged on. */
  onTimeRate: number | null;
  requiredRate: number;
  meetsRequirement: boolean;
}

/** 4. A complaint opened this month that repeats an earlier one (same unit, same matter). */
export interface RepeatComplaintRow {
  caseId: string;
  unit: string;
  matter: string;
  repeatOf: string;
  openedAt: string;
}

/** 5. A unit whose same repair was requested three or more times. */
export interface RepeatedRepairRow {
  /** The household's centre (the same unit number in two centres is two households). */
  centre: string;
  unit: string;
  /** The fault as last written. */
  fault: string;
  count: number;
  /** Oldest first. */
  caseIds: string[];
}

/** 6. A return visit that found the customer unsatisfied or a problem (回访不合格). */
export interface UnsatisfiedVisitRow {
  procedure: string;
  caseId: string;
  unit: string;
  /** When the visit was recorded (local, with offset). */
  at: string;
  visitor: string;
  note: string;
}

/** 7. A complaint kept as a case study (案例): its cause and the prevention measures. */
export interface CaseStudyRow {
  caseId: string;
  unit: string;
  matter: string;
  cause: string;
  prevention: string;
  recordedBy: string;
  at: string;
}

/** 8. A sample of repair work orders drawn in the month for return visits (003 回访率 2). */
export interface RepairSampleRow {
  caseId: string;
  /** The month of the work orders sampled. */
  month: string;
  orders: number;
  sampleSize: number;
  visited: number;
  unsatisfied: number;
}

export interface MonthlyReport extends ReportPeriod {
  cases: CaseCountRow[];
  deadlines: DeadlineRow[];
  returnVisits: ReturnVisitRow[];
  repeatComplaints: RepeatComplaintRow[];
  repeatedRepairs: RepeatedRepairRow[];
  unsatisfiedVisits: UnsatisfiedVisitRow[];
  caseStudies: CaseStudyRow[];
  repairSamples: RepairSampleRow[];
}

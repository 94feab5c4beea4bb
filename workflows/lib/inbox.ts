/**
 * Whose inbox a case is in, and where in it: the lines a case puts in each
 * person's or role's inbox, from its own row (stage, holder, first receiver,
 * breach, what it waits on) and its running clocks' duties. A domain module:
 * the workflows hand the lines to their write with the case row, the worker
 * rebuilds them from the rows when the rules change, and `GET /inbox` reads
 * one index in order (api/cases.ts).
 *
 * The rules (DOMAIN.md "People and roles", the action tables):
 * - customer service: the cases they received (首问责任人) or hold, in a stage
 *   where customer service acts;
 * - engineering and other departments: what they hold, and what waits on
 *   their role with nobody holding it (an untaken job, a transferred complaint);
 * - supervisors, managers, leadership: the decisions only a role above the
 *   front desk takes (grading, approvals, sign-off), and every case with a
 *   missed deadline in a stage where they act;
 * - anyone: a running duty of theirs or of their role in a stage where they act
 *   (the month's filing, a key check, a major complaint the manager handles).
 * A decision a role may take whenever the stage allows (`anytime`) puts no case
 * in an inbox by itself.
 */
import type { ActionTable } from './actions';
import { type Role, roles } from './roles';
import type { Duty } from './stepRecord';

/** One line of an inbox: the case in `role`'s inbox, for one person (`staffId`) or anyone of the role (''). */
export interface InboxLine {
  role: Role;
  /** The person whose inbox it is; '' for everyone of the role. */
  staffId: string;
  /** When the line is due: the soonest of the reader's own clocks, else what the case waits on; absent: no running deadline (after every dated line). */
  dueAt?: string;
}

/** What of a case decides its inbox lines. */
export interface InboxFacts {
  stage: string;
  assignee: string | null;
  firstReceiver?: string;
  breached: boolean;
  closed: boolean;
  duties: readonly Duty[];
  /** What the case waits on is due then (else its next due time), if ever. */
  waitingDueAt?: string | null;
  nextDueAt?: string | null;
}

/** Bumped when a rule above changes in a way the action tables do not show (the worker then rebuilds every line). */
export const inboxRulesVersion = 1;

/** The roles that act in a stage of a procedure, and whether each has a step there only a role above the front desk may take. */
function actorsIn(actions: ActionTable, stage: string): Map<Role, { leads: boolean }> {
  const frontDeskMay = (action: string) => actions[action]?.roles.includes('csr') === true;
  const byRole = new Map<Role, { leads: boolean }>();
  for (const [action, rule] of Object.entries(actions)) {
    if (!rule.stages.includes(stage)) continue;
    for (const r of rule.roles) {
      const leads = (byRole.get(r)?.leads ?? false) || (!rule.anytime && !frontDeskMay(action));
      byRole.set(r, { leads });
    }
  }
  return byRole;
}

const staffOf = (owner: string) => (owner.startsWith('staff:') ? owner.slice('staff:'.length) : undefined);

/** The soonest due time of the given duties (undefined when none has one). */
function soonest(duties: readonly Duty[]): string | undefined {
  let best: string | undefined;
  for (const d of duties) if (d.dueAt && (best === undefined || Date.parse(d.dueAt) < Date.parse(best))) best = d.dueAt;
  return best;
}

/** Every inbox line of a case under its procedure's action table; none once it is closed. */
export function inboxLines(actions: ActionTable, facts: InboxFacts): InboxLine[] {
  if (facts.closed) return [];
  const lines: InboxLine[] = [];
  for (const [r, { leads }] of actorsIn(actions, facts.stage)) {
    const readers = new Set<string>();
    switch (r) {
      case 'csr':
        if (facts.assignee) readers.add(facts.assignee);
        if (facts.firstReceiver) readers.add(facts.firstReceiver);
        break;
      case 'technician':
      case 'department':
        readers.add(facts.assignee ?? '');
        break;
      default:
        if (leads || facts.breached) readers.add('');
    }
    const roleDuties = facts.duties.filter((d) => d.owner === `role:${r}`);
    if (roleDuties.length) readers.add('');
    for (const d of facts.duties) {
      const id = staffOf(d.owner);
      if (id) readers.add(id);
    }
    for (const staffId of readers) {
      const own = staffId ? facts.duties.filter((d) => d.owner === `role:${r}` || d.owner === `staff:${staffId}`) : roleDuties;
      const dueAt = own.length ? soonest(own) : (facts.waitingDueAt ?? facts.nextDueAt ?? undefined);
      lines.push({ role: r, staffId, ...(dueAt ? { dueAt } : {}) });
    }
  }
  return lines;
}

/** What the lines depend on in the action tables, as one string: when it differs from the one on record, every line is rebuilt. */
export function inboxRulesFingerprint(tables: Record<string, ActionTable>): string {
  const parts = Object.entries(tables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([procedure, table]) => [
      procedure,
      Object.entries(table)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([action, rule]) => [action, [...rule.roles].sort(), [...rule.stages].sort(), rule.anytime === true]),
    ]);
  return JSON.stringify([inboxRulesVersion, roles, parts]);
}

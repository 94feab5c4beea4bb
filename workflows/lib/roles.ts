/** Staff roles of DOMAIN.md "People and roles". Owners are customers, not staff. */
export const roles = ['csr', 'supervisor', 'manager', 'executive', 'technician', 'department'] as const;
export type Role = (typeof roles)[number];

export const roleNames: Record<Role, string> = {
  csr: '客服员',
  supervisor: '客服主管',
  manager: '服务中心经理',
  executive: '公司领导',
  technician: '工程部',
  department: '其他部门',
};

/** The person taking an action; comes from the request's identity, never from the action body. */
export interface Actor {
  id: string;
  role: Role;
}

/** Who a recorded step is attributed to: a staff member, or the workflow itself (dispatch, closing). */
export type StepActor = Actor | { id: 'system'; role: 'system' };
export const systemActor: StepActor = { id: 'system', role: 'system' };

/**
 * Who receives a notification or owns a step: a person (`staff:<id>`), everyone
 * holding a role (`role:<role>`), or the owner by phone (`owner:<phone>`).
 */
export type Recipient = `staff:${string}` | `role:${Role}` | `owner:${string}`;

export const staff = (id: string): Recipient => `staff:${id}`;
export const role = (r: Role): Recipient => `role:${r}`;
export const owner = (phone: string): Recipient => `owner:${phone}`;

/**
 * The escalation chain of cases opened before 0.4.0 (every clock climbed to the
 * executive): kept so their histories replay; new clocks take a ladder (below).
 */
export const escalationChain: Recipient[] = [role('supervisor'), role('manager'), role('executive')];

/**
 * Where a missed deadline climbs to (DOMAIN "People and roles"): the executive
 * level is for major complaints and company approvals; every other clock's
 * ladder ends at the centre's manager.
 */
export type LadderTop = 'manager' | 'executive';
const ranks: Role[] = ['supervisor', 'manager', 'executive'];

/**
 * The escalation ladder of a clock its `owner` holds: the levels above the
 * owner, up to `top`, one per interval. A clock the top itself owns tells the
 * top of its own breach (recorded, counted) and climbs no further.
 */
export function ladder(owner: Recipient, top: LadderTop = 'manager'): Recipient[] {
  const [kind, who] = owner.split(':') as [string, string];
  const ownRank = kind === 'role' ? ranks.indexOf(who as Role) : -1;
  const levels = ranks.slice(ownRank + 1, ranks.indexOf(top) + 1).map(role);
  return levels.length > 0 ? levels : [role(top)];
}

export function describeRecipient(r: Recipient): string {
  const [kind, who] = r.split(':') as [string, string];
  if (kind === 'role') return roleNames[who as Role] ?? who;
  if (kind === 'owner') return '业主';
  return who;
}

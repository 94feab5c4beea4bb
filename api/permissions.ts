/**
 * The permission table: for each procedure (and each staff-API area), which
 * roles may take which action. Case actions come from the procedures' own
 * action tables (the same ones the workflows' update validators check); the
 * rest (opening a case, registers, reports, batch reassignment) are stated
 * here. Every route consults this table through `authorize`.
 */
import type { ActionTable } from '../workflows/lib/actions';
import { reassignLabel, reassignRoles } from '../workflows/lib/reassign';
import { type Actor, type Role, roleNames, roles } from '../workflows/lib/roles';
import { procedureContracts } from '../workflows/registry';
import { forbidden } from './errors';

export interface Permission {
  /** What the action is called in messages to staff. */
  label: string;
  roles: readonly Role[];
  /** For case actions: the stages in which the action is possible (the workflow checks them). */
  stages?: readonly string[];
}

const everyone = roles;
const frontDesk: readonly Role[] = ['csr', 'supervisor'];
const leadership: readonly Role[] = ['supervisor', 'manager', 'executive'];

const caseActions = (table: ActionTable): Record<string, Permission> =>
  Object.fromEntries(Object.entries(table).map(([name, rule]) => [name, { label: rule.label, roles: rule.roles, stages: rule.stages }]));

type CasePermissions = { [C in (typeof procedureContracts)[number] as C['procedure']]: { open: Permission } & Record<keyof C['actions'], Permission> };

/** Each procedure's entry: opening a case (from its contract) and its case actions. */
const casePermissions = Object.fromEntries(procedureContracts.map((c) => [c.procedure, { open: c.open, ...caseActions(c.actions) }])) as CasePermissions;

export const permissionTable = {
  ...casePermissions,
  keyRegister: {
    add: { label: '登记钥匙', roles: ['supervisor', 'manager'] },
    list: { label: '查看钥匙登记册', roles: everyone },
  },
  // The owner files' area keeps its public name (GET /permissions, the OpenAPI tag); in code the word is ownerFile.
  ownerArchive: {
    // Reading a household's file is further limited per unit by approved access (see api/archives.ts).
    read: { label: '查阅业主档案', roles: everyone },
    file: { label: '归档', roles: frontDesk },
    readLog: { label: '查看档案查阅登记', roles: ['supervisor', 'manager'] },
  },
  cases: {
    read: { label: '查看案件', roles: everyone },
    list: { label: '查询案件', roles: everyone },
    inbox: { label: '查看待办', roles: everyone },
    reassign: { label: reassignLabel, roles: reassignRoles },
    stuck: { label: '查看停滞工单', roles: leadership },
  },
  reports: {
    monthly: { label: '查看月度报表', roles: leadership },
    handOver: { label: '月度报表书面报经理', roles: ['supervisor'] },
    acknowledge: { label: '经理签收月度报表', roles: ['manager'] },
  },
} as const satisfies Record<string, Record<string, Permission>>;

export type PermissionArea = keyof typeof permissionTable;

export function mayAct(role: Role, area: string, action: string): boolean {
  const perm = (permissionTable as Record<string, Record<string, Permission>>)[area]?.[action];
  return perm !== undefined && perm.roles.includes(role);
}

/** Throws 403 (in Chinese, naming the role and the action) unless the actor's role may take the action. */
export function authorize<A extends PermissionArea>(actor: Actor, area: A, action: keyof (typeof permissionTable)[A] & string): void {
  const perm = (permissionTable[area] as Record<string, Permission>)[action];
  if (!perm) throw new Error(`no permission entry ${area}.${action}`);
  if (!perm.roles.includes(actor.role)) throw forbidden(`角色「${roleNames[actor.role]}」无权执行「${perm.label}」`);
}

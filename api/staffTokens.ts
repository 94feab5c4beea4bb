/**
 * Staff members and their bearer tokens. A token is `pst_<tokenId>_<secret>`;
 * only the SHA-256 of the whole token is stored, so a leaked database does not
 * leak tokens. Tokens are issued by `npm run staff:add` / `staff:token`, shown
 * once, and revoked by `staff:revoke` (one token, or every token of a person).
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client';
import { actorSchema } from '../workflows/lib/actions';
import { type Actor, roles } from '../workflows/lib/roles';
import { defaultCentre } from '../workflows/lib/stepRecord';

export const staffMemberSchema = z.strictObject({
  id: actorSchema.shape.id.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, '工号只能含字母、数字、点、下划线和连字符'),
  name: z.string().trim().min(1).max(40),
  role: z.enum(roles),
});
export type StaffMemberInput = z.infer<typeof staffMemberSchema>;

export interface IssuedToken {
  tokenId: string;
  /** The bearer token itself: shown once, never stored. */
  token: string;
  staff: StaffMemberInput;
}

const tokenPattern = /^pst_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Adds (or updates and reactivates) a staff member and issues a first token. They join
 * `centres` (each must exist); one who works for no centre yet joins the default centre.
 */
export async function addStaffMember(db: Db, input: StaffMemberInput, label = '', centres: string[] = []): Promise<IssuedToken> {
  const staff = staffMemberSchema.parse(input);
  await db.$transaction(async (tx) => {
    await tx.staffMember.upsert({
      where: { id: staff.id },
      create: staff,
      update: { name: staff.name, role: staff.role, active: true },
    });
    const joins = centres.length ? centres : (await tx.staffCentre.count({ where: { staffId: staff.id } })) ? [] : [defaultCentre];
    for (const centreId of joins) {
      if (!(await tx.centre.findUnique({ where: { id: centreId } }))) throw new Error(`service centre ${centreId} does not exist (npm run centre:add)`);
      await tx.staffCentre.upsert({ where: { staffId_centreId: { staffId: staff.id, centreId } }, create: { staffId: staff.id, centreId }, update: {} });
    }
  });
  return issueToken(db, staff.id, label);
}

/**
 * A new token for an existing, active staff member. `expiresAt` makes a short-lived one (the
 * Temporal UI's codec sign-in): its `revokedAt` is set ahead, to the moment it stops working.
 */
export async function issueToken(db: Db, staffId: string, label = '', expiresAt?: Date): Promise<IssuedToken> {
  const member = await db.staffMember.findUnique({ where: { id: staffId } });
  if (!member?.active) throw new Error(`staff member ${staffId} does not exist or is inactive`);
  const tokenId = randomBytes(6).toString('hex');
  const token = `pst_${tokenId}_${randomBytes(32).toString('base64url')}`;
  await db.apiToken.create({ data: { id: tokenId, staffId, hash: hashToken(token), label, ...(expiresAt ? { revokedAt: expiresAt } : {}) } });
  return { tokenId, token, staff: { id: member.id, name: member.name, role: member.role as Actor['role'] } };
}

/** Ends a token now, whether it was to expire later or not (signing out of a short-lived one). */
export async function endToken(db: Db, token: string, at = new Date()): Promise<void> {
  await db.apiToken.updateMany({ where: { hash: hashToken(token), OR: [{ revokedAt: null }, { revokedAt: { gt: at } }] }, data: { revokedAt: at } });
}

/** Revokes one token by its id; true when it was active. */
export async function revokeToken(db: Db, tokenId: string, at = new Date()): Promise<boolean> {
  const { count } = await db.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: at } });
  return count > 0;
}

/** Deactivates a staff member and revokes every token they hold; the number of tokens revoked. */
export async function deactivateStaffMember(db: Db, staffId: string, at = new Date()): Promise<number> {
  const [, revoked] = await db.$transaction([
    db.staffMember.updateMany({ where: { id: staffId }, data: { active: false } }),
    db.apiToken.updateMany({ where: { staffId, revokedAt: null }, data: { revokedAt: at } }),
  ]);
  return revoked.count;
}

/** The acting staff member for a bearer token, or undefined when it is malformed, unknown, revoked or its owner inactive. */
export async function actorForToken(db: Db, token: string, now = new Date()): Promise<Actor | undefined> {
  return (await staffForToken(db, token, now))?.actor;
}

/** The acting staff member and the centres they work for, in one read. */
export async function staffForToken(db: Db, token: string, now = new Date()): Promise<{ actor: Actor; centres: string[] } | undefined> {
  if (!tokenPattern.test(token)) return undefined;
  const row = await db.apiToken.findUnique({ where: { hash: hashToken(token) }, include: { staff: { include: { centres: { select: { centreId: true }, orderBy: { centreId: 'asc' } } } } } });
  // A revocation time ahead is an expiry (a short-lived token): it works until then.
  if (!row || (row.revokedAt && row.revokedAt <= now) || !row.staff.active) return undefined;
  const actor = actorSchema.safeParse({ id: row.staff.id, role: row.staff.role });
  return actor.success ? { actor: actor.data, centres: row.staff.centres.map((c) => c.centreId) } : undefined;
}

export async function listStaff(db: Db) {
  return db.staffMember.findMany({
    orderBy: { id: 'asc' },
    include: { tokens: { select: { id: true, label: true, createdAt: true, revokedAt: true }, orderBy: { createdAt: 'asc' } } },
  });
}

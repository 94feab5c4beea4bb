/**
 * Who is acting. For now the staff member comes from two headers, `X-Staff-Id`
 * and `X-Staff-Role`; a later change swaps this one middleware for bearer
 * tokens. Routes read the actor with `actorOf(res)`, never from the body.
 */
import type { RequestHandler, Response } from 'express';
import { actorSchema } from '../workflows/lib/actions';
import type { Actor } from '../workflows/lib/roles';
import { unauthorized } from './errors';

export const staffIdHeader = 'X-Staff-Id';
export const staffRoleHeader = 'X-Staff-Role';

/** Same schema the workflow's update validators use, so an accepted actor is never rejected later. */
export const identity: RequestHandler = (req, res, next) => {
  const parsed = actorSchema.safeParse({ id: req.get(staffIdHeader)?.trim(), role: req.get(staffRoleHeader)?.trim() });
  if (!parsed.success) throw unauthorized();
  res.locals.actor = parsed.data satisfies Actor;
  next();
};

export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw unauthorized();
  return actor;
}

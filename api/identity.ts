/**
 * Who is acting: every request carries `Authorization: Bearer <token>`; the
 * staff member and role come from the token's row, never from the body or
 * other headers. Routes read the actor with `actorOf(res)`.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../db/client';
import type { Actor } from '../workflows/lib/roles';
import { unauthorized } from './errors';
import { scopeOf } from './centres';
import { staffForToken } from './staffTokens';

/** The token of `Authorization: Bearer <token>`, if the request carries one. */
export const bearerToken = (req: Request): string | undefined => /^Bearer\s+(\S+)$/i.exec(req.get('Authorization')?.trim() ?? '')?.[1];

export function identity(db: Db): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (!token) throw unauthorized('缺少身份令牌（Authorization: Bearer …）');
    const staff = await staffForToken(db, token);
    if (!staff) throw unauthorized('身份令牌无效、已吊销或账号已停用');
    res.locals.actor = staff.actor satisfies Actor;
    // The centres whose cases this staff member sees (every one at company level).
    res.locals.scope = scopeOf(staff.actor, staff.centres);
    next();
  };
}

export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw unauthorized();
  return actor;
}

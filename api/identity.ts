/**
 * Who is acting: every request carries `Authorization: Bearer <token>`; the
 * staff member and role come from the token's row, never from the body or
 * other headers. Routes read the actor with `actorOf(res)`.
 */
import type { RequestHandler, Response } from 'express';
import type { Db } from '../db/client';
import type { Actor } from '../workflows/lib/roles';
import { unauthorized } from './errors';
import { actorForToken } from './staffTokens';

export function identity(db: Db): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('Authorization')?.trim() ?? '');
    if (!match) throw unauthorized('缺少身份令牌（Authorization: Bearer …）');
    const actor = await actorForToken(db, match[1]);
    if (!actor) throw unauthorized('身份令牌无效、已吊销或账号已停用');
    res.locals.actor = actor satisfies Actor;
    next();
  };
}

export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw unauthorized();
  return actor;
}

/**
 * A request id for every request (the caller's `X-Request-Id` when it is
 * sensible, else a new UUID), echoed in the response, carried into the
 * workflow (start memo, update id) and written in one structured log line
 * when the response is finished.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Actor } from '../workflows/lib/roles';

export type LogLine = (entry: Record<string, unknown>) => void;

export const stdoutLog: LogLine = (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`);

const requestIdPattern = /^[A-Za-z0-9._:-]{8,100}$/;

export function requestContext(log: LogLine = stdoutLog): RequestHandler {
  return (req, res, next) => {
    const given = req.get('X-Request-Id');
    const requestId = given && requestIdPattern.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const actor = res.locals.actor as Actor | undefined;
      log({
        level: res.statusCode >= 500 ? 'error' : 'info',
        msg: 'request',
        requestId,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ...(actor ? { staff: actor.id, role: actor.role } : {}),
        ...(res.locals.caseId ? { caseId: res.locals.caseId } : {}),
      });
    });
    next();
  };
}

export const requestIdOf = (res: Response): string | undefined => res.locals.requestId as string | undefined;

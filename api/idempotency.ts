/**
 * `Idempotency-Key` for opening cases. The first request reserves a receipt
 * number under (staff, key) before the workflow starts; the case is started
 * under that number, and its answer stored. A retry of the same request gets
 * the stored answer (or, after a crash in between, starts the same receipt
 * number again, which Temporal refuses as already started): never a second
 * case. The same key with a different body is a 409.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client';
import { isUniqueViolation } from '../activities/keys';
import { ApiError, conflict, parseOr400 } from './errors';

export const idempotencyKeySchema = z
  .string()
  .min(8)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'Idempotency-Key 只能含字母、数字和 . _ : -');

export interface IdempotentRequest {
  staffId: string;
  key: string;
  /** e.g. `POST /repairs` */
  route: string;
  body: unknown;
}

export interface IdempotentAnswer<R> {
  body: R;
  /** True when this is the stored answer of an earlier request. */
  replayed: boolean;
}

const hashOf = (body: unknown): string => createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');

export const parseIdempotencyKey = (header: string | undefined): string | undefined =>
  header === undefined ? undefined : parseOr400(idempotencyKeySchema, header.trim(), 'Idempotency-Key 格式不正确');

export async function openIdempotently<R extends object>(
  db: Db,
  req: IdempotentRequest,
  newReceipt: () => string,
  /** Opens the case under the reserved receipt number; `first` is true for the request that reserved it. */
  open: (receipt: string, first: boolean) => Promise<R>,
): Promise<IdempotentAnswer<R>> {
  const where = { staffId_key: { staffId: req.staffId, key: req.key } };
  const requestHash = hashOf(req.body);
  // Only the request that reserves the key creates the case; every other request with it (a retry,
  // or one sent concurrently) replays that case, so exactly one answer says "created".
  let reserved = false;
  let row = await db.idempotentOpen.findUnique({ where });
  if (!row) {
    try {
      row = await db.idempotentOpen.create({
        data: { staffId: req.staffId, key: req.key, route: req.route, requestHash, caseId: newReceipt() },
      });
      reserved = true;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A concurrent request with the same key reserved first.
      row = await db.idempotentOpen.findUnique({ where });
      if (!row) throw new Error('idempotency reservation vanished');
    }
  }
  if (row.route !== req.route || row.requestHash !== requestHash) {
    throw conflict('该 Idempotency-Key 已用于另一个不同的请求', 'IdempotencyKeyReused');
  }
  if (row.response !== null) return { body: JSON.parse(row.response) as R, replayed: true };
  let body: R;
  try {
    body = await open(row.caseId, reserved);
  } catch (err) {
    // Refused before anything started (400/403/409...): free the key for a corrected request.
    if (reserved && err instanceof ApiError && err.status < 500) await db.idempotentOpen.deleteMany({ where: { staffId: req.staffId, key: req.key, response: null } });
    throw err;
  }
  await db.idempotentOpen.updateMany({ where: { staffId: req.staffId, key: req.key, response: null }, data: { response: JSON.stringify(body) } });
  return { body, replayed: !reserved };
}

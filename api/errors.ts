/**
 * One error class for the API and one middleware that writes it. Every error
 * body is `{ code, message, issues? }`: `code` for programs, `message` in
 * Simplified Chinese for staff, `issues` (zod issues) for developers.
 */
import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';

/** zod issues (`ZodError['issues']`), or the same shape carried back from a workflow's validator. */
export type Issues = z.ZodError['issues'] | unknown[];

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: Issues,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  issues?: Issues;
}

export const badRequest = (issues?: Issues, message = '请求内容有误', code = 'InvalidInput') =>
  new ApiError(400, code, message, issues);
export const unauthorized = (message = '缺少或无效的身份令牌') =>
  new ApiError(401, 'Unauthenticated', message);
export const forbidden = (message = '无权执行此操作') => new ApiError(403, 'Forbidden', message);
export const notFound = (message = '未找到', code = 'NotFound') => new ApiError(404, code, message);
export const conflict = (message: string, code = 'Conflict') => new ApiError(409, code, message);

/** Errors body-parser raises (malformed JSON, body too large...): they carry `type` and `status`. */
function fromBodyParser(err: unknown): ApiError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status } = err as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return new ApiError(400, 'MalformedJson', '请求体不是有效的 JSON');
    case 'entity.too.large':
      return new ApiError(413, 'PayloadTooLarge', '请求体过大');
    case 'charset.unsupported':
      return new ApiError(415, 'UnsupportedCharset', '请求体须为 UTF-8 编码的 JSON（Content-Type: application/json; charset=utf-8）');
    case 'encoding.unsupported':
      return new ApiError(415, 'UnsupportedEncoding', '不支持该 Content-Encoding');
    default:
      return new ApiError(status, 'BadRequest', '无法读取请求体');
  }
}

/** Prisma's codes for a database that cannot be reached, timed out or ran out of connections. */
const unavailableCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Driver adapter error kinds (PostgreSQL) and SQLite result codes that mean "not now", not "wrong". */
const unavailableKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TransactionWriteConflict']);
const unavailableSqlite = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|PROTOCOL)/;
/** PostgreSQL's SQLSTATEs for a server shutting down, starting up, unreachable or full (class 08, 57P01–57P03, 53300). */
const unavailablePostgres = /^(08|57P0[123]|53300)/;

type AdapterCause = { kind?: unknown; extendedCode?: unknown; code?: unknown };
const unavailableCause = (cause: AdapterCause | undefined): boolean =>
  cause !== undefined &&
  ((typeof cause.kind === 'string' && unavailableKinds.has(cause.kind)) ||
    (typeof cause.code === 'string' && (unavailableSqlite.test(cause.code) || (cause.kind === 'postgres' && unavailablePostgres.test(cause.code)))));

/** True when a database call failed because the database is down or busy, not because of the request. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: AdapterCause } }; cause?: unknown };
  if (typeof e.name !== 'string' || !/^(Prisma|DriverAdapterError|SqliteError)/.test(e.name)) {
    // better-sqlite3 refusing to open the file at all
    return e.name === 'TypeError' && typeof e.message === 'string' && e.message.startsWith('Cannot open database');
  }
  if (e.name === 'PrismaClientInitializationError') return true;
  if (typeof e.code === 'string' && (unavailableCodes.has(e.code) || unavailableSqlite.test(e.code))) return true;
  // Through the client (`meta.driverAdapterError.cause`) or from the adapter itself (a DriverAdapterError's `cause`:
  // PostgreSQL restarting answers `{ kind: 'postgres', code: '57P03' }`).
  if (unavailableCause(e.meta?.driverAdapterError?.cause)) return true;
  if (e.name === 'DriverAdapterError' && typeof e.cause === 'object' && e.cause !== null && unavailableCause(e.cause)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

/** How long a client should wait before retrying after a 503 (seconds). */
export const retryAfterSeconds = 5;

export const databaseUnavailable = () => new ApiError(503, 'DatabaseUnavailable', '数据库暂时不可用，请稍后重试');

export type ErrorLog = (entry: Record<string, unknown>) => void;

const stderrLog: ErrorLog = (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`);

/** The last middleware: known errors as they are; anything else 500 without internals. */
export function errorMiddleware(log: ErrorLog = stderrLog): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof ApiError ? err : (fromBodyParser(err) ?? (isDatabaseUnavailable(err) ? databaseUnavailable() : undefined));
    if (known) {
      if (known.status === 503) res.setHeader('Retry-After', String(retryAfterSeconds));
      res.status(known.status).json(known.toBody());
      return;
    }
    log({
      level: 'error',
      msg: 'unhandled API error',
      method: req.method,
      path: req.originalUrl,
      error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err),
    });
    res.status(500).json({ code: 'Internal', message: '服务器内部错误，请稍后重试' } satisfies ErrorBody);
  };
}

/** Parse with a zod schema or throw 400 with its issues. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, message?: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(result.error.issues, message);
  return result.data;
}

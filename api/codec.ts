/**
 * The codec endpoint for the Temporal Web UI (and `temporal --codec-endpoint`):
 * payloads are ciphertext in Temporal (worker/payloadCodec.ts); this decodes
 * them for customer-service staff and above (csr, supervisor, manager,
 * executive), and for no one else: anyone else sees ciphertext. A centre's
 * staff read their own centres' cases only: a payload that names a case of
 * another centre (or a case not on record) stays ciphertext for them; the
 * executive reads every centre's. Every decode is logged (`PayloadDecodeLog`:
 * who, which cases, how many payloads).
 *
 * The UI calls it from the browser, so it cannot send our bearer token: a
 * supervisor signs in once at `/codec/sign-in` with their token, which sets an
 * HttpOnly cookie for `/codec` only, and turns on "Include cross-origin
 * credentials" in the UI's codec settings. Programs send
 * `Authorization: Bearer <token>` instead (`temporal workflow show
 * --codec-endpoint … --codec-auth "Bearer pst_…"`).
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import type { Actor, Role } from '../workflows/lib/roles';
import { ApiError, forbidden, parseOr400, unauthorized } from './errors';
import { bearerToken } from './identity';
import { type CentreScope, inScope, scopeOf } from './centres';
import { actorForToken, endToken, issueToken, staffForToken } from './staffTokens';

/** Who may read decrypted payloads: customer service and above (000 §4.9: owner data needs approval otherwise). */
export const codecReaders: readonly Role[] = ['csr', 'supervisor', 'manager', 'executive'];

const cookieName = 'pst_codec';
const cookieMaxAgeS = 8 * 3600;

/** The browser origins of the Temporal Web UI allowed to call this from a page (CORS with credentials). */
export const defaultCodecOrigins = ['http://localhost:8233', 'http://127.0.0.1:8233'];

const base64 = z.string().max(4_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const codecBodySchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).default({}), data: base64.default('') }))
    .max(10_000)
    // Proto JSON leaves an empty list out: `{}` is no payloads (the Temporal CLI sends it).
    .default([]),
});

type JsonPayload = { metadata: Record<string, string>; data: string };

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** The receipt numbers a decoded payload mentions (`caseId` fields of a JSON payload, a few levels deep). */
function caseIdsIn(p: Payload, into: Set<string>): void {
  if (Buffer.from(p.metadata?.['encoding'] ?? new Uint8Array()).toString() !== 'json/plain') return;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8'));
  } catch {
    return;
  }
  const walk = (v: unknown, depth: number) => {
    if (depth > 4 || typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'caseId' && typeof x === 'string' && x.length <= 64) into.add(x);
      else walk(x, depth + 1);
    }
  };
  walk(value, 0);
}

/** HttpOnly, for /codec only, same-site only; Secure when the API is reached over HTTPS. */
function cookie(req: Request, value: string, maxAgeS: number): string {
  const secure = req.secure || req.get('X-Forwarded-Proto') === 'https' ? '; Secure' : '';
  return `${cookieName}=${value}; Path=/codec; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`;
}

function cookieToken(req: Request): string | undefined {
  for (const part of (req.get('Cookie') ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === cookieName) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

async function codecReader(db: Db, req: Request): Promise<{ actor: Actor; scope: CentreScope }> {
  const token = bearerToken(req) ?? cookieToken(req);
  if (!token) throw unauthorized('解密需先登录（/codec/sign-in）或携带 Authorization: Bearer …');
  const staff = await staffForToken(db, token);
  if (!staff) throw unauthorized('身份令牌无效、已吊销或账号已停用');
  if (!codecReaders.includes(staff.actor.role)) throw forbidden('只有客服及以上岗位可以查看解密后的业主数据');
  return { actor: staff.actor, scope: scopeOf(staff.actor, staff.centres) };
}

/** Which of the decoded payloads the reader may see: those whose cases are all of the reader's centres. */
async function readable(db: Db, scope: CentreScope, caseIdsOf: Set<string>[]): Promise<boolean[]> {
  if (scope.all) return caseIdsOf.map(() => true);
  const ids = [...new Set(caseIdsOf.flatMap((s) => [...s]))];
  const centreOf = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const row of await db.case.findMany({ where: { id: { in: ids.slice(i, i + 500) } }, select: { id: true, centre: true } })) centreOf.set(row.id, row.centre);
  }
  return caseIdsOf.map((s) => [...s].every((id) => inScope(scope, centreOf.get(id) ?? '')));
}

const signInPage = (message = '') => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Temporal 界面解密登录</title></head>
<body style="font-family:sans-serif;max-width:36rem;margin:3rem auto">
<h1>Temporal 界面解密登录</h1>
<p>登录后，Temporal 界面中的工单数据（业主姓名、电话等）将为您解密显示。仅限客服员、客服主管、服务中心经理和公司领导。每次解密都会登记。</p>
<p>还需在 Temporal 界面的 Codec Server 设置中打开 “Include cross-origin credentials”。</p>
${message ? `<p><strong>${message}</strong></p>` : ''}
<form method="post"><label>身份令牌 <input name="token" type="password" size="50" autocomplete="off"></label> <button>登录</button></form>
</body></html>`;

export interface CodecDeps {
  db: Db;
  codec: PayloadCodec;
  origins?: readonly string[];
  now?: () => Date | Promise<Date>;
}

/** `/codec/encode`, `/codec/decode` (POST, `{ payloads }`), `/codec/sign-in`, `/codec/sign-out`. */
export function codecRouter(deps: CodecDeps): Router {
  const router = Router();
  const origins = new Set(deps.origins ?? defaultCodecOrigins);
  const now = deps.now ?? (() => new Date());
  router.use((req, res, next) => {
    const origin = req.get('Origin');
    if (origin && origins.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Namespace');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && origins.has(origin) ? 204 : 403).end();
      return;
    }
    next();
  });
  router.use(express.json({ limit: '8mb' }));

  const transform = (direction: 'encode' | 'decode') => async (req: Request, res: Response) => {
    const { actor, scope } = await codecReader(deps.db, req);
    const body = parseOr400(codecBodySchema, req.body, '解码请求内容有误');
    const payloads = body.payloads.map(fromJson);
    let out: Payload[];
    try {
      out = direction === 'decode' ? await deps.codec.decode(payloads) : await deps.codec.encode(payloads);
    } catch (err) {
      throw new ApiError(400, 'UndecodablePayload', `无法${direction === 'decode' ? '解密' : '加密'}：${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
    }
    if (direction === 'decode') {
      const perPayload = out.map((p) => {
        const ids = new Set<string>();
        caseIdsIn(p, ids);
        return ids;
      });
      // Another centre's case stays as it came, ciphertext; only what was decoded for the reader is logged.
      const allowed = await readable(deps.db, scope, perPayload);
      out = out.map((p, i) => (allowed[i] ? p : (payloads[i])));
      const caseIds = new Set(perPayload.filter((_, i) => allowed[i]).flatMap((s) => [...s]));
      await deps.db.payloadDecodeLog.create({
        data: { actorId: actor.id, actorRole: actor.role, caseIds: [...caseIds].sort().join(','), payloads: allowed.filter(Boolean).length, at: await now() },
      });
    }
    res.json({ payloads: out.map(toJson) });
  };
  router.post('/decode', transform('decode'));
  router.post('/encode', transform('encode'));

  router.get('/sign-in', (_req, res) => {
    res.type('html').send(signInPage());
  });
  router.post('/sign-in', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const token = typeof (req.body as { token?: unknown } | undefined)?.token === 'string' ? (req.body as { token: string }).token.trim() : '';
    const actor = token ? await actorForToken(deps.db, token) : undefined;
    if (!actor || !codecReaders.includes(actor.role)) {
      res.status(actor ? 403 : 401).type('html').send(signInPage(actor ? '该岗位不能查看解密数据' : '身份令牌无效'));
      return;
    }
    // The cookie never holds the staff member's own token: a token of its own, ending in 8 hours or at sign-out.
    const session = await issueToken(deps.db, actor.id, 'codec sign-in', new Date(Date.now() + cookieMaxAgeS * 1000));
    res.setHeader('Set-Cookie', cookie(req, encodeURIComponent(session.token), cookieMaxAgeS));
    res.type('html').send(signInPage(`已登录：${actor.id}（8 小时内有效）`));
  });
  router.post('/sign-out', async (req, res) => {
    const token = cookieToken(req);
    if (token) await endToken(deps.db, token);
    res.setHeader('Set-Cookie', cookie(req, '', 0));
    res.status(204).end();
  });
  return router;
}

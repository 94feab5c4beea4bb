/**
 * Who acts comes from the bearer token: tokens issued by the staff command,
 * stored hashed, revocable; the audit trail records the token's person and
 * role, never anything from the body. Errors keep one shape.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { actorForToken, addStaffMember, deactivateStaffMember, hashToken, revokeToken } from '../api/staffTokens';
import { createDb } from '../db/client';
import { projectRoot } from '../db/config';
import { templateDbFile } from './support/db';
import { type Reply, useStaffHttp } from './support/http';
import { csr, eventually } from './support/scenario';

const ctx = useStaffHttp(csr);
const run = promisify(execFile);

const repair = (unit: string) => ({ unit, ownerName: '张先生', ownerPhone: '13800000000', channel: 'phone', fault: '阳台漏水' });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('bearer tokens', () => {
  it('the staff command adds a person with a token shown once and stored only as a hash, and revokes it', async () => {
    const file = path.join(projectRoot, '.data', 'test', `staff-cli-${process.pid}.db`);
    fs.copyFileSync(templateDbFile, file);
    const env = { ...process.env, DATABASE_URL: `file:${file}` };
    const tsx = path.join(projectRoot, 'node_modules', '.bin', 'tsx');
    const script = path.join(projectRoot, 'scripts', 'staff.ts');
    const added = await run(tsx, [script, 'add', '--id', 'csr-wu', '--name', '吴敏', '--role', 'csr', '--label', '前台电脑'], { env });
    const issued = JSON.parse(added.stdout) as { tokenId: string; token: string; staff: { id: string; role: string } };
    expect(issued.staff).toEqual({ id: 'csr-wu', name: '吴敏', role: 'csr' });
    const db = createDb(`file:${file}`);
    try {
      expect(await actorForToken(db, issued.token)).toEqual({ id: 'csr-wu', role: 'csr' });
      const stored = await db.apiToken.findUniqueOrThrow({ where: { id: issued.tokenId } });
      expect(stored.hash).toBe(hashToken(issued.token));
      expect(JSON.stringify(stored)).not.toContain(issued.token.slice(17));

      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed `any` (@types/jest)
      await expect(run(tsx, [script, 'add', '--id', 'x', '--name', '某', '--role', 'owner'], { env })).rejects.toMatchObject({ stderr: expect.stringContaining('--role') });

      await run(tsx, [script, 'revoke', '--token', issued.tokenId], { env });
      expect(await actorForToken(db, issued.token)).toBeUndefined();
    } finally {
      await db.$disconnect();
      fs.rmSync(file, { force: true });
    }
  }, 60_000);

  it('a revoked token, or any token of a deactivated person, is 401 at once; other tokens keep working', async () => {
    const phone = await addStaffMember(ctx.sys.db, { id: 'csr-he', name: '何静', role: 'csr' }, 'phone');
    const desk = await addStaffMember(ctx.sys.db, { id: 'csr-he', name: '何静', role: 'csr' }, 'desk');
    const ok = (t: string) => ctx.http.request('GET', '/inbox', undefined, undefined, undefined, bearer(t));
    expect((await ok(phone.token)).status).toBe(200);
    await revokeToken(ctx.sys.db, phone.tokenId);
    const revoked = await ok(phone.token);
    expect(revoked.status).toBe(401);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- jest's asymmetric matchers are typed `any` (@types/jest)
    expect(revoked.body).toEqual({ code: 'Unauthenticated', message: expect.stringContaining('令牌') });
    expect((await ok(desk.token)).status).toBe(200);
    await deactivateStaffMember(ctx.sys.db, 'csr-he');
    expect((await ok(desk.token)).status).toBe(401);
  });

  it('the audit trail records the token holder, and an actor smuggled in the body is refused (400), writing nothing', async () => {
    const unit = `6-6-${Date.now() % 100000}`;
    const smuggled = await ctx.http.post<{ code: string; issues: { code: string; keys?: string[] }[] }>('/repairs', csr, { ...repair(unit), receivedBy: { id: 'mgr-chen', role: 'manager' } });
    expect(smuggled.status).toBe(400);
    expect(smuggled.body.issues).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys', keys: ['receivedBy'] }));
    expect(await ctx.sys.db.case.count({ where: { unit } })).toBe(0);

    const opened = await ctx.http.post<{ caseId: string }>('/repairs', csr, repair(unit));
    const steps = await eventually(async () => {
      const h = await ctx.http.get<{ steps: { action: string; actor: { id: string; role: string } }[] }>(`/repairs/${opened.body.caseId}/history`);
      return h.status === 200 && h.body.steps.length ? h.body.steps : undefined;
    });
    expect(steps[0]).toMatchObject({ action: 'register', actor: { id: csr.id, role: 'csr' } });
  });
});

describe('error shapes', () => {
  it('401, 403, 400, 404 and 409 all answer { code, message[, issues] } with a Chinese message', async () => {
    const unit = `6-7-${Date.now() % 100000}`;
    const unauth = await ctx.http.request('GET', '/cases', undefined);
    const forbidden = await ctx.http.get('/reports/monthly?month=2026-11', csr);
    const invalid = await ctx.http.post('/repairs', csr, { ...repair(unit), ownerPhone: '' });
    const missing = await ctx.http.get('/repairs/BX20261122-ZZZZZZ', csr);
    const opened = await ctx.http.post<{ caseId: string }>('/repairs', csr, repair(unit));
    await eventually(async () => (await ctx.http.get<{ steps: unknown[] }>(`/repairs/${opened.body.caseId}/history`)).body.steps?.length);
    const wrongStage = await ctx.http.post(`/repairs/${opened.body.caseId}/actions/recordReturnVisit`, csr, { satisfied: true, rating: 5, feeConfirmed: true, problemFound: false });
    const replies = [unauth, forbidden, invalid, missing, wrongStage] as Reply<{ code: string; message: string }>[];
    const shapes = replies.map((r) => [r.status, r.body.code, Object.keys(r.body).sort()]);
    expect(shapes).toEqual([
      [401, 'Unauthenticated', ['code', 'message']],
      [403, 'Forbidden', ['code', 'message']],
      [400, 'InvalidInput', ['code', 'issues', 'message']],
      [404, 'CaseNotFound', ['code', 'message']],
      [409, 'InvalidStage', ['code', 'message']],
    ]);
    for (const r of replies) expect(r.body.message).toMatch(/[\u4e00-\u9fff]/);
  });
});

/**
 * One SQLite file shared by processes (`npm start`: the worker, the API and the
 * staff command): WAL mode, and a write that meets another's waits for it
 * (up to the busy timeout) instead of failing with "database is locked".
 */
import fs from 'node:fs';
import path from 'node:path';
import { createDb, openSharedDb, sqliteBusyTimeoutMs } from '../db/client';
import { databaseProvider, databaseUrl, projectRoot } from '../db/config';
import { templateDbFile } from './support/db';

const onSqlite = databaseProvider(databaseUrl()) === 'sqlite' ? describe : describe.skip;

onSqlite('the SQLite file the worker and the API share', () => {
  const file = path.join(projectRoot, '.data', 'test', `shared-${process.pid}.db`);
  beforeAll(() => fs.copyFileSync(templateDbFile, file));

  it('runs in WAL mode, so the API reads while the worker writes, and a write waits up to 5 s for another', async () => {
    const db = await openSharedDb(`file:${file}`);
    const [mode] = await db.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
    expect(mode?.journal_mode).toBe('wal');
    const [busy] = await db.$queryRawUnsafe<{ timeout: bigint | number }[]>('PRAGMA busy_timeout');
    expect(Number(busy?.timeout)).toBe(sqliteBusyTimeoutMs);
    await db.$disconnect();
    // WAL is kept by the file: the next process opens it in WAL mode too.
    const again = createDb(`file:${file}`);
    const [still] = await again.$queryRawUnsafe<{ journal_mode: string }[]>('PRAGMA journal_mode');
    expect(still?.journal_mode).toBe('wal');
    await again.$disconnect();
  });
});

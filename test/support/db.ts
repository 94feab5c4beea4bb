import fs from 'node:fs';
import path from 'node:path';
import { createDb, type Db } from '../../db/client';
import { databaseProvider, databaseUrl, projectRoot } from '../../db/config';

export const templateDbFile = path.join(projectRoot, '.data', 'test', 'template.db');

/**
 * A migrated database for one test file: a private copy of the SQLite template,
 * or the shared PostgreSQL database of the run (case ids never collide).
 */
export function createTestDb(): Db {
  const url = databaseUrl();
  if (databaseProvider(url) !== 'sqlite') return createDb(url);
  const file = path.join(projectRoot, '.data', 'test', `db-${process.pid}-${Math.random().toString(36).slice(2)}.db`);
  fs.copyFileSync(templateDbFile, file);
  return createDb(`file:${file}`);
}

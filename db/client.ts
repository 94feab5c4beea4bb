import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { type Prisma, PrismaClient as SqliteClient } from '../generated/prisma/client';
import { PrismaClient as PostgresClient } from '../generated/prisma-postgresql/client';
import { databaseProvider, databaseUrl, sqliteFile } from './config';

/**
 * The database handle used by activities and the API. Both generated clients
 * expose the same models (they come from one schema), so the SQLite client's
 * type describes either.
 */
export type Db = SqliteClient;

/** The handle inside a transaction (`db.$transaction(async (tx) => ...)`). */
export type Tx = Omit<Db, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** One statement not yet sent: several go to the database as one batch transaction (`db.$transaction([...])`). */
export type Statement = Prisma.PrismaPromise<unknown>;

/** How long an SQLite write waits for another process's write to finish before it fails (ms). */
export const sqliteBusyTimeoutMs = 5_000;

export function createDb(url: string = databaseUrl()): Db {
  if (databaseProvider(url) === 'sqlite') {
    return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: sqliteFile(url), timeout: sqliteBusyTimeoutMs }) });
  }
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
}

/**
 * The database of a process that shares it with others (the worker, the API
 * and the staff command on one SQLite file): SQLite runs in WAL mode, so
 * readers never wait for a writer and writers wait for each other up to the
 * busy timeout instead of failing at once. WAL is a property of the file, kept
 * once set.
 */
export async function openSharedDb(url: string = databaseUrl()): Promise<Db> {
  const db = createDb(url);
  if (databaseProvider(url) === 'sqlite') await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
  return db;
}

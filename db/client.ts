import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '../generated/prisma/client';
import { PrismaClient as PostgresClient } from '../generated/prisma-postgresql/client';
import { databaseProvider, databaseUrl, sqliteFile } from './config';

/**
 * The database handle used by activities and the API. Both generated clients
 * expose the same models (they come from one schema), so the SQLite client's
 * type describes either.
 */
export type Db = SqliteClient;

export function createDb(url: string = databaseUrl()): Db {
  if (databaseProvider(url) === 'sqlite') {
    return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: sqliteFile(url) }) });
  }
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
}

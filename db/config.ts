import path from 'node:path';

/** Which database the process talks to: SQLite by default, PostgreSQL when DATABASE_URL says so. */
export type DatabaseProvider = 'sqlite' | 'postgresql';

export const projectRoot = path.resolve(__dirname, '..');
export const defaultSqliteUrl = `file:${path.join(projectRoot, '.data', 'app.db')}`;

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL : defaultSqliteUrl;
}

export function databaseProvider(url: string = databaseUrl()): DatabaseProvider {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (url.startsWith('file:')) return 'sqlite';
  throw new Error(`DATABASE_URL must start with file: or postgresql:// (got ${url.split(':')[0]}:)`);
}

/** Absolute file path of a `file:` SQLite URL (relative paths are taken from the project root). */
export function sqliteFile(url: string): string {
  const file = url.replace(/^file:/, '');
  return path.isAbsolute(file) ? file : path.join(projectRoot, file);
}

/** The Prisma schema file for a provider; the PostgreSQL one is generated from the SQLite one. */
export function schemaPath(provider: DatabaseProvider): string {
  return provider === 'sqlite'
    ? path.join(projectRoot, 'prisma', 'schema.prisma')
    : path.join(projectRoot, 'prisma', 'postgresql', 'schema.prisma');
}

// Prisma CLI configuration (migrate deploy / migrate diff). Uses the WASM schema
// engine through driver adapters, so nothing is downloaded (see ../shared/PLATFORM.md).
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { databaseProvider, databaseUrl, schemaPath, sqliteFile } from './db/config';

const url = databaseUrl();
const provider = databaseProvider(url);
process.env.DATABASE_URL = url; // the schema reads env("DATABASE_URL")

// Workaround for prisma/orm#27403: @prisma/adapter-pg cannot deserialize the
// catalog types `name` (oid 19), `"char"` (18) and `name[]` (1003) that the
// schema engine reads during `migrate deploy`. Report them as text / text[].
class CatalogTypesAsTextPool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- overrides every overload of pg.Pool.query, whose results only `any` matches
  override async query(...args: unknown[]): Promise<any> {
    const result = (await (super.query as (...a: unknown[]) => Promise<unknown>)(...args)) as { fields?: { dataTypeID: number }[] } | undefined;
    for (const field of result?.fields ?? []) {
      if (field.dataTypeID === 19 || field.dataTypeID === 18) field.dataTypeID = 25;
      if (field.dataTypeID === 1003) field.dataTypeID = 1009;
    }
    return result;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: schemaPath(provider),
  adapter: () =>
    Promise.resolve(
      provider === 'sqlite'
        ? new PrismaBetterSQLite3({ url: sqliteFile(url) })
        : new PrismaPg(new CatalogTypesAsTextPool({ connectionString: url })),
    ),
});

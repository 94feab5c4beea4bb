/** What the command-line tools (staff, centres) share: the shared database, opened and closed, and a failure printed as its message. */
import { type Db, openSharedDb } from '../db/client';

export function runWithDb(command: (db: Db) => Promise<void>): void {
  const run = async () => {
    const db = await openSharedDb();
    try {
      await command(db);
    } finally {
      await db.$disconnect();
    }
  };
  run().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

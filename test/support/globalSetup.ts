/**
 * Once per jest run: migrate a template SQLite database (each test file copies
 * it), or the PostgreSQL database when DATABASE_URL points at one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { databaseProvider, databaseUrl, projectRoot } from '../../db/config';
import { templateDbFile } from './db';

/** The CLI runs on WASM engines; stub paths stop it from downloading native ones. */
function prismaCliEnv(): Record<string, string> {
  const stub = path.join(projectRoot, '.tools', 'prisma-stub', 'engine');
  fs.mkdirSync(path.dirname(stub), { recursive: true });
  if (!fs.existsSync(stub)) fs.writeFileSync(stub, '');
  return { PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_QUERY_ENGINE_LIBRARY: stub, CHECKPOINT_DISABLE: '1' };
}

export default function globalSetup(): void {
  const url = databaseUrl();
  const target = databaseProvider(url) === 'sqlite' ? `file:${templateDbFile}` : url;
  if (databaseProvider(url) === 'sqlite') {
    // Start from a clean folder: the template and every test file's copy of it.
    fs.rmSync(path.dirname(templateDbFile), { recursive: true, force: true });
    fs.mkdirSync(path.dirname(templateDbFile), { recursive: true });
  }
  execFileSync(path.join(projectRoot, 'node_modules', '.bin', 'prisma'), ['migrate', 'deploy'], {
    cwd: projectRoot,
    env: { ...process.env, DATABASE_URL: target, ...prismaCliEnv() },
    stdio: 'pipe',
  });
}

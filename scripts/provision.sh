#!/usr/bin/env bash
# Installs everything the project needs, skipping whatever is already in place:
#   node packages (when package-lock.json changed), the Prisma clients (when the
#   schema changed), and per purpose the Temporal CLI (`start`, `bench`) or the
#   Java time-skipping test server (`test`). Safe to run again and again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
purpose="${1:-all}"
mkdir -p .tools .data

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

# Node packages. better-sqlite3 compiles against the local Node headers (no download).
lock_hash="$(hash_of package.json package-lock.json)"
if [ ! -f node_modules/.provisioned ] || [ "$(cat node_modules/.provisioned)" != "$lock_hash" ]; then
  echo "provision: installing node packages"
  if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
  npm install --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.provisioned
fi

# Prisma clients for SQLite and PostgreSQL (WASM engines: the CLI must not download engines).
source "$root/scripts/prisma-env.sh"
schema_hash="$(hash_of prisma/schema.prisma package-lock.json)"
if [ ! -f generated/.provisioned ] || [ "$(cat generated/.provisioned)" != "$schema_hash" ]; then
  echo "provision: generating Prisma clients"
  bash scripts/syncPostgresSchema.sh
  npx prisma generate --schema prisma/schema.prisma >/dev/null 2>&1
  npx prisma generate --schema prisma/postgresql/schema.prisma >/dev/null 2>&1
  echo "$schema_hash" > generated/.provisioned
fi

case "$purpose" in
  start|bench) bash scripts/provision/temporal-cli.sh ;;
  test) bash scripts/provision/test-server.sh ;;
  all) bash scripts/provision/temporal-cli.sh; bash scripts/provision/test-server.sh ;;
esac

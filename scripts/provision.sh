#!/usr/bin/env bash
# Installs everything the project needs, skipping whatever is already in place,
# and runs the independent steps side by side:
#   - node packages (`npm ci` from the committed lockfile, when it changed), then
#     the Prisma clients (when the schema changed);
#   - per purpose, at the same time: the Temporal CLI built from its Go module
#     (`start`, `bench`: about 3-5 minutes the first time) and/or the Java
#     time-skipping test server from Maven Central (`test`: under a minute);
#     `cluster` adds the Temporal server, its SQL tool and the UI server
#     (scripts/provision/temporal-server.sh, for scripts/cluster.sh).
# Each step says what it does and how long it took; its output goes to
# .tools/logs/<step>.log and is printed only if it fails. Safe to run again and
# again: with everything in place it checks and returns in about a second.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
purpose="${1:-all}"
mkdir -p .tools .data

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

source "$root/scripts/provision/lib.sh"

# Called in an `||` list, where `set -e` does not apply: every step returns on failure itself.
node_packages() {
  local lock_hash
  # The lockfile alone: it carries package.json's dependencies too (npm ci refuses the two out of step),
  # so a new script in package.json reinstalls nothing.
  lock_hash="$(hash_of package-lock.json)"
  if [ ! -f node_modules/.provisioned ] || [ "$(cat node_modules/.provisioned)" != "$lock_hash" ]; then
    # better-sqlite3 compiles against the local Node headers (no download).
    if [ -z "${npm_config_nodedir:-}" ] && [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
    run_step node-packages "installing node packages (npm ci, about 2 minutes the first time)" \
      npm ci --no-audit --no-fund --loglevel=error || return 1
    echo "$lock_hash" > node_modules/.provisioned
  fi
  # Prisma clients for SQLite and PostgreSQL (WASM engines: the CLI must not download engines).
  source "$root/scripts/prisma-env.sh"
  local schema_hash
  schema_hash="$(hash_of prisma/schema.prisma package-lock.json)"
  if [ ! -f generated/.provisioned ] || [ "$(cat generated/.provisioned)" != "$schema_hash" ]; then
    run_step prisma-clients "generating the Prisma clients (a few seconds)" bash -c '
      bash scripts/syncPostgresSchema.sh &&
      npx prisma generate --schema prisma/schema.prisma &&
      npx prisma generate --schema prisma/postgresql/schema.prisma' || return 1
    echo "$schema_hash" > generated/.provisioned
  fi
}

tools=()
case "$purpose" in
  start|bench) tools=(temporal-cli) ;;
  cluster) tools=(temporal-cli temporal-server) ;;
  test) tools=(test-server) ;;
  all) tools=(temporal-cli test-server) ;;
  *) echo "provision: unknown purpose '$purpose' (start, bench, cluster, test, all)" >&2; exit 2 ;;
esac

# The tools build while the node packages install; each script returns at once when its tool is in place.
pids=()
for tool in "${tools[@]}"; do
  bash "scripts/provision/$tool.sh" &
  pids+=($!)
done
status=0
node_packages || status=1
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit "$status"

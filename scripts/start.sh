#!/usr/bin/env bash
# `npm start`: the whole system on embedded defaults — Temporal dev server (file
# database, Web UI), SQLite migrated through Prisma, the worker and the HTTP API.
# Set TEMPORAL_ADDRESS to use an existing Temporal cluster instead of the dev
# server, DATABASE_URL=postgresql://... to use PostgreSQL. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/provision.sh start
source scripts/prisma-env.sh
export TEMPORAL_VERSION_CHECK_DISABLED=1
port="${PORT:-3000}"
ui_port="${TEMPORAL_UI_PORT:-8233}"

echo "start: applying database migrations"
npx prisma migrate deploy >/dev/null 2>&1 || npx prisma migrate deploy

pids=()
stop() {
  trap - INT TERM EXIT
  echo "start: stopping"
  # API and worker first (they drain), then the Temporal server.
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  export TEMPORAL_ADDRESS="127.0.0.1:${TEMPORAL_PORT:-7233}"
  mapfile -t sa_flags < <(npx tsx scripts/searchAttributeFlags.ts)
  .tools/bin/temporal server start-dev \
    --ip 127.0.0.1 --port "${TEMPORAL_ADDRESS##*:}" --ui-port "$ui_port" \
    --db-filename .data/temporal.db --namespace default \
    --log-level warn "${sa_flags[@]}" > .data/temporal-server.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do (echo > "/dev/tcp/127.0.0.1/${TEMPORAL_ADDRESS##*:}") 2>/dev/null && break; sleep 0.2; done
  ui="http://127.0.0.1:$ui_port"
else
  ui="(your cluster's Web UI)"
fi
# Register any search attribute the server does not have yet: the dev server's
# --search-attribute flags only apply when its database file is new.
node_modules/.bin/tsx scripts/registerSearchAttributes.ts
# The recurring procedures (weekly key audit, monthly filing) as Temporal Schedules; idempotent.
node_modules/.bin/tsx scripts/schedules.ts

node_modules/.bin/tsx worker/main.ts &
pids+=($!)
PORT="$port" node_modules/.bin/tsx api/main.ts &
pids+=($!)

echo ""
echo "  API:          http://127.0.0.1:$port   (routes: docs/api.md)"
echo "  Temporal UI:  $ui"
echo "  Temporal:     $TEMPORAL_ADDRESS"
echo "  Ctrl-C stops everything."
echo ""
wait -n "${pids[@]}"

#!/usr/bin/env bash
# `npm start`: the whole system on embedded defaults — Temporal dev server (file
# database, Web UI), SQLite migrated through Prisma, the worker and the HTTP API.
# Set TEMPORAL_ADDRESS to use an existing Temporal cluster instead of the dev
# server, DATABASE_URL=postgresql://... to use PostgreSQL. Ctrl-C stops everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
t0=$SECONDS
# Everything `npm test` needs too (the test server fetches in seconds while the CLI builds), so a later `npm test` installs nothing.
bash scripts/provision.sh all
source scripts/prisma-env.sh
export TEMPORAL_VERSION_CHECK_DISABLED=1
port="${PORT:-3000}"
ui_port="${TEMPORAL_UI_PORT:-8233}"

pids=()
stop() {
  trap - INT TERM EXIT
  echo "start: [$((SECONDS - t0)) s] stopping"
  # API and worker first (they drain), then the Temporal server.
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
}
trap stop INT TERM EXIT

# The migrations run while the Temporal server starts.
echo "start: [$((SECONDS - t0)) s] applying database migrations"
node_modules/.bin/prisma migrate deploy > .data/migrate.log 2>&1 &
migrate=$!

if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  export TEMPORAL_ADDRESS="127.0.0.1:${TEMPORAL_PORT:-7233}"
  echo "start: [$((SECONDS - t0)) s] starting the Temporal dev server (log: .data/temporal-server.log)"
  mapfile -t sa_flags < <(node_modules/.bin/tsx scripts/searchAttributeFlags.ts)
  source scripts/dev-server-sqlite.sh
  .tools/bin/temporal server start-dev \
    --ip 127.0.0.1 --port "${TEMPORAL_ADDRESS##*:}" --ui-port "$ui_port" \
    --db-filename .data/temporal.db "${dev_server_sqlite[@]}" --namespace default \
    --ui-codec-endpoint "http://127.0.0.1:$port/codec" \
    --log-level warn "${sa_flags[@]}" > .data/temporal-server.log 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do (echo > "/dev/tcp/127.0.0.1/${TEMPORAL_ADDRESS##*:}") 2>/dev/null && break; sleep 0.2; done
  ui="http://127.0.0.1:$ui_port"
else
  ui="(your cluster's Web UI)"
fi
if ! wait "$migrate"; then cat .data/migrate.log >&2; echo "start: the database migrations failed" >&2; exit 1; fi

# Then side by side: the worker (it bundles the workflow code, the slowest
# part); the search attributes the server does not have yet (the dev server's
# --search-attribute flags only apply when its database file is new), and the
# API once they are registered (a case it opened before would name an attribute
# the server refuses); and every centre's recurring procedures (weekly key
# audit, monthly filing...) as Temporal Schedules. Both scripts are idempotent.
echo "start: [$((SECONDS - t0)) s] starting the worker; registering search attributes, then starting the API; ensuring the schedules"
rm -f .data/worker.ready
# The worker's log lines pass through; its "worker started" line marks it ready.
node_modules/.bin/tsx worker/main.ts > >(while IFS= read -r line; do
  printf '%s\n' "$line"
  case "$line" in *'"worker started"'*) : > .data/worker.ready ;; esac
done) &
pids+=($!)
node_modules/.bin/tsx scripts/schedules.ts &
sched=$!
node_modules/.bin/tsx scripts/registerSearchAttributes.ts
PORT="$port" node_modules/.bin/tsx api/main.ts &
pids+=($!)
wait "$sched"

for _ in $(seq 1 300); do
  [ -f .data/worker.ready ] && (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done
echo ""
echo "  API:          http://127.0.0.1:$port   (routes: docs/api.md, browsable: /docs)"
echo "  Temporal UI:  $ui"
echo "  Temporal:     $TEMPORAL_ADDRESS"
echo "  Up in $((SECONDS - t0)) s. Ctrl-C stops everything."
echo ""
wait -n "${pids[@]}"

#!/usr/bin/env bash
# `npm run bench [-- --cases N --concurrency C ...]`: throughput and action latency of
# the repair procedure against a real Temporal dev server, through the bare Temporal
# client and through the HTTP API (scripts/bench.ts; options: --help; results:
# docs/bench.md). Each run works in a fresh directory .data/bench/run-*/ (dev server
# database and log, app database); earlier runs' directories are removed unless their
# run is still going. The dev server is always stopped at the end, and the whole run
# is bounded by BENCH_TIMEOUT (seconds, default 1800).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/provision.sh bench
source scripts/prisma-env.sh
# `--per-workflow [N]`: what one cached workflow costs, with and without the shared modules preloaded (Java test server only).
if [ "${1:-}" = "--per-workflow" ]; then
  shift
  bash scripts/provision.sh test
  exec npx tsx --expose-gc scripts/bench/perWorkflow.ts "$@"
fi
# `--inbox [N]`: the inbox and case-list queries at N/10 and N open cases (SQLite only, no Temporal).
if [ "${1:-}" = "--inbox" ]; then
  shift
  exec npx tsx scripts/bench/inbox.ts "$@"
fi
export TEMPORAL_VERSION_CHECK_DISABLED=1

# `--cluster --scale N ...`: the scale mode against the running cluster (`npm run cluster`,
# docs/cluster.md) instead of a dev server: its Temporal frontend, and a fresh records
# database in its PostgreSQL; the server's CPU is its four services' and PostgreSQL's.
if [ "${1:-}" = "--cluster" ]; then
  shift
  [ -f .data/cluster/env ] || { echo "bench: no cluster running (npm run cluster)" >&2; exit 1; }
  eval "$(bash scripts/cluster.sh env)"
  pg_port="${DATABASE_URL##*:}"; pg_port="${pg_port%%/*}"
  bench_db="bench_$(date +%Y%m%d%H%M%S)"
  psql_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/psql"
  "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE $bench_db" >&2
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$pg_port/$bench_db"
  mkdir -p .data/bench/cluster
  echo "bench: migrating $DATABASE_URL"
  npx prisma migrate deploy > .data/bench/cluster/migrate.log 2>&1 || { cat .data/bench/cluster/migrate.log >&2; exit 1; }
  server_pids=()
  for name in temporal-frontend temporal-history temporal-matching temporal-worker; do server_pids+=("$(cat ".data/cluster/pids/$name.pid")"); done
  export BENCH_SERVER_PIDS="$(IFS=,; echo "${server_pids[*]}")"
  export BENCH_SERVER_PG_PID="$(head -1 .data/cluster/pg/postmaster.pid)"
  export BENCH_RUN_DIR="$root/.data/bench/cluster"
  echo "bench: code at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), against the cluster at $TEMPORAL_ADDRESS"
  status=0
  timeout --kill-after=15 "${BENCH_TIMEOUT:-1800}" node --import tsx scripts/bench.ts "$@" || status=$?
  "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "DROP DATABASE IF EXISTS $bench_db WITH (FORCE)" >&2 || true
  exit "$status"
fi

base="$root/.data/bench"
mkdir -p "$base"
for old in "$base"/run-*; do
  [ -d "$old" ] || continue
  owner="$(cat "$old/owner.pid" 2>/dev/null || true)"
  if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then continue; fi # a bench still running
  rm -rf "$old"
done
dir="$(mktemp -d "$base/run-$(date +%Y%m%dT%H%M%S)-XXXX")"
echo "$$" > "$dir/owner.pid"

# A free port for the dev server's frontend, from BENCH_TEMPORAL_PORT (default 7433) up.
port_in_use() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${BENCH_TEMPORAL_PORT:-7433}"
for _ in $(seq 1 50); do port_in_use "$port" || break; port=$((port + 1)); done
if port_in_use "$port"; then echo "bench: no free port found near ${BENCH_TEMPORAL_PORT:-7433}" >&2; exit 1; fi

server_pid=""
stop_server() {
  trap - EXIT INT TERM
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap stop_server EXIT
trap 'stop_server; exit 130' INT
trap 'stop_server; exit 143' TERM

mapfile -t sa_flags < <(npx tsx scripts/searchAttributeFlags.ts)
source scripts/dev-server-sqlite.sh
# Extra dev-server flags for experiments, e.g.
#   BENCH_SERVER_FLAGS='--dynamic-config-value matching.numTaskqueueReadPartitions=1'
read -r -a extra_flags <<< "${BENCH_SERVER_FLAGS:-}"
log="${dir#"$root"/}/temporal-server.log"
# BENCH_SERVER_DB=memory: the dev server keeps its state in memory (to tell its persistence's cost from the rest).
db_flags=(--db-filename "$dir/temporal.db" "${dev_server_sqlite[@]}")
if [ "${BENCH_SERVER_DB:-file}" = "memory" ]; then db_flags=(); fi
echo "bench: starting Temporal dev server on 127.0.0.1:$port (log: $log)"
.tools/bin/temporal server start-dev \
  --ip 127.0.0.1 --port "$port" --headless \
  ${db_flags[@]+"${db_flags[@]}"} --namespace default \
  --log-level warn "${sa_flags[@]}" ${extra_flags[@]+"${extra_flags[@]}"} > "$dir/temporal-server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 300); do
  port_in_use "$port" && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench: the dev server exited; its log:" >&2; cat "$dir/temporal-server.log" >&2; exit 1
  fi
  sleep 0.2
done
if ! port_in_use "$port"; then echo "bench: the dev server did not open port $port within 60 s" >&2; exit 1; fi

export DATABASE_URL="file:$dir/app.db"
echo "bench: migrating $DATABASE_URL"
npx prisma migrate deploy > "$dir/migrate.log" 2>&1 || { cat "$dir/migrate.log" >&2; exit 1; }

echo "bench: code at commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
export TEMPORAL_ADDRESS="127.0.0.1:$port"
export TEMPORAL_NAMESPACE=default
export BENCH_SERVER_PID="$server_pid" # so the bench can tell its own CPU use from other processes'
# Not `exec`: the EXIT trap must still stop the dev server afterwards.
status=0
# BENCH_NODE_FLAGS: node flags for the bench process, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it.
read -r -a node_flags <<< "${BENCH_NODE_FLAGS:-}"
timeout --kill-after=15 "${BENCH_TIMEOUT:-1800}" node ${node_flags[@]+"${node_flags[@]}"} --import tsx scripts/bench.ts "$@" || status=$?
if [ "$status" -eq 124 ]; then echo "bench: timed out after ${BENCH_TIMEOUT:-1800} s" >&2; fi
exit "$status"

#!/usr/bin/env bash
# The scale mode twice, one run each, then side by side: on the dev server (as `npm start`
# runs) and on the cluster (`npm run cluster`, which must be running; docs/cluster.md).
#   bash scripts/bench/scaleBoth.sh --scale 2000 --cache 500 --heap 512 --window 180 --queries 60
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mkdir -p .data/bench
dev=.data/bench/figures-dev-server.json
cluster=.data/bench/figures-cluster.json
rm -f "$dev" "$cluster"
# The cluster's own worker processes would take the bench's tasks: the bench's worker and API use a task queue of their own.
export TEMPORAL_TASK_QUEUE="bench-scale-$(date +%s)"
BENCH_SCALE_FIGURES="$root/$dev" bash scripts/bench.sh "$@"
BENCH_SCALE_FIGURES="$root/$cluster" bash scripts/bench.sh --cluster "$@"
node --import tsx scripts/bench/compareScale.ts "$dev" "$cluster"

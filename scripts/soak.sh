#!/usr/bin/env bash
# Runs jest files again and again (each run on a fresh test server) and counts
# the runs that failed: the determinism check behind "every jest file runs
# once". Not part of CI. Usage:
#   npm run soak -- 10 test/repair.procedure.test.ts [more jest args]
#   DATABASE_URL=postgresql://... npm run soak -- 10 test/repair.procedure.test.ts
# Each run's output: .data/soak/run-N.log
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:?how many runs}"
shift
bash scripts/provision.sh test
source scripts/prisma-env.sh
mkdir -p .data/soak
failed=0
for i in $(seq 1 "$runs"); do
  t0=$SECONDS
  if npx jest "$@" > ".data/soak/run-$i.log" 2>&1; then r=passed; else r=FAILED; failed=$((failed + 1)); fi
  echo "soak: run $i $r in $((SECONDS - t0)) s"
done
echo "soak: $failed of $runs runs failed"
[ "$failed" -eq 0 ]

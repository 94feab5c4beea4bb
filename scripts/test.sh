#!/usr/bin/env bash
# `npm test`: provisions what the tests need, type-checks, lints, runs every jest test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/provision.sh test
source scripts/prisma-env.sh
npx tsc --noEmit -p .
npx eslint .
npx jest "$@"

#!/usr/bin/env bash
# Runs jest; the test files that failed are run once more, each again on a fresh
# Java time-skipping test server. That server occasionally stalls a workflow
# under load ("invalid history builder state for action"), after which every
# later test of the file times out; a file that fails twice fails the run.
# The retried files are named on stderr, so a flaky file never goes unnoticed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
npx jest --json --outputFile="$report" "$@"
status=$?
[ "$status" -eq 0 ] && exit 0
mapfile -t failed < <(node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const t of r.testResults ?? []) if (t.status !== "passed") console.log(t.name);
' "$report" 2>/dev/null)
if [ "${#failed[@]}" -eq 0 ]; then exit "$status"; fi
echo "== jest: ${#failed[@]} file(s) failed; retrying each once: ${failed[*]#"$root/"}" >&2
npx jest --runTestsByPath "${failed[@]}"

# Shared by the provisioning scripts (sourced).
provision_logs="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.tools/logs"

# run_step NAME "what it does (how long)" COMMAND...: runs the command with its
# output in .tools/logs/NAME.log, says when it is done and how long it took,
# and prints the end of the log if it fails.
run_step() {
  local name="$1" what="$2"
  shift 2
  local log="$provision_logs/$name.log" t0=$SECONDS
  mkdir -p "$provision_logs"
  echo "provision: $what"
  if "$@" >"$log" 2>&1; then
    echo "provision: $name done in $((SECONDS - t0)) s"
  else
    echo "provision: $name FAILED after $((SECONDS - t0)) s; the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

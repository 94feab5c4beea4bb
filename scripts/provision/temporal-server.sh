#!/usr/bin/env bash
# Builds what scripts/cluster.sh runs, from the Go module proxy into .tools/bin,
# like temporal-cli.sh does for the CLI (same module and build caches):
#   temporal-server     go.temporal.io/server/cmd/server      (frontend, history, matching, worker)
#   temporal-sql-tool   go.temporal.io/server/cmd/tools/sql   (creates and migrates its PostgreSQL schemas)
#   temporal-ui-server  github.com/temporalio/ui-server/v2/cmd/server (the Web UI, assets embedded)
# The versions are the ones inside the CLI v1.5.1 (server 1.29.1, UI 2.42.1), so
# most modules are already cached. Each binary is skipped when present at its
# version. Both `cmd/server` packages install as `server`, so each is built into
# a staging folder of its own and renamed. See ../shared/PLATFORM.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
server_version="1.29.1"
ui_version="2.42.1"
bin="$root/.tools/bin"
stage="$root/.tools/build"
source "$root/scripts/provision/lib.sh"
mkdir -p "$bin"

go_install() { # go_install STAGING_DIR PACKAGE@VERSION...
  local dir="$1"
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  env CGO_ENABLED=0 GOBIN="$dir" GOMODCACHE="$root/.tools/gomod" GOCACHE="$root/.tools/gocache" GOFLAGS=-modcacherw \
    go install "$@"
}

if ! { [ -x "$bin/temporal-server" ] && "$bin/temporal-server" --version 2>/dev/null | grep -q "version $server_version\$" &&
       [ -x "$bin/temporal-sql-tool" ] && "$bin/temporal-sql-tool" --version 2>/dev/null | grep -q "version $server_version\$"; }; then
  run_step temporal-server "building the Temporal server v$server_version and its SQL schema tool from the Go module (first time only, about 2-4 minutes)" \
    bash -c "$(declare -f go_install); set -e; root='$root'
      go_install '$stage/temporal-server' go.temporal.io/server/cmd/server@v$server_version go.temporal.io/server/cmd/tools/sql@v$server_version
      mv '$stage/temporal-server/server' '$bin/temporal-server'
      mv '$stage/temporal-server/sql' '$bin/temporal-sql-tool'"
fi

if ! { [ -x "$bin/temporal-ui-server" ] && "$bin/temporal-ui-server" --version 2>/dev/null | grep -q "version $ui_version\$"; }; then
  run_step temporal-ui-server "building the Temporal UI server v$ui_version from its Go module (first time only, about 1-2 minutes)" \
    bash -c "$(declare -f go_install); set -e; root='$root'
      go_install '$stage/temporal-ui-server' github.com/temporalio/ui-server/v2/cmd/server@v$ui_version
      mv '$stage/temporal-ui-server/server' '$bin/temporal-ui-server'"
fi
rm -rf "$stage"

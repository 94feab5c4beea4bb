#!/usr/bin/env bash
# Builds the Temporal CLI (dev server + Web UI) from its Go module into .tools/bin.
# Skipped when the binary is already there. See ../shared/PLATFORM.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="1.5.1"
bin="$root/.tools/bin/temporal"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "temporal version $version"; then exit 0; fi
source "$root/scripts/provision/lib.sh"
mkdir -p "$root/.tools/bin"
run_step temporal-cli "building the Temporal CLI v$version (dev server + Web UI) from its Go module (first time only, about 3-5 minutes)" \
  env CGO_ENABLED=0 GOBIN="$root/.tools/bin" GOMODCACHE="$root/.tools/gomod" GOCACHE="$root/.tools/gocache" GOFLAGS=-modcacherw \
  go install -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$version" "github.com/temporalio/cli/cmd/temporal@v$version"

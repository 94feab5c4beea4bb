#!/usr/bin/env bash
# Builds the Temporal CLI (dev server + Web UI) from its Go module into .tools/bin.
# Skipped when the binary is already there. See ../shared/PLATFORM.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
version="1.5.1"
bin="$root/.tools/bin/temporal"
if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "temporal version $version"; then exit 0; fi
echo "provision: building temporal CLI v$version from source (first time only, several minutes)"
mkdir -p "$root/.tools/bin"
CGO_ENABLED=0 GOBIN="$root/.tools/bin" GOMODCACHE="$root/.tools/gomod" GOCACHE="$root/.tools/gocache" GOFLAGS=-modcacherw \
  go install -ldflags "-X github.com/temporalio/cli/temporalcli.Version=$version" "github.com/temporalio/cli/cmd/temporal@v$version"

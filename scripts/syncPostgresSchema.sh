#!/usr/bin/env bash
# Writes prisma/postgresql/schema.prisma from prisma/schema.prisma (provider and client output differ).
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo '// GENERATED from ../schema.prisma by scripts/syncPostgresSchema.sh: edit that file, not this one.'
  sed -e '1,/^generator client/{/^generator client/!d}' \
      -e 's/provider = "sqlite"/provider = "postgresql"/' \
      -e 's#output     = "../generated/prisma"#output     = "../../generated/prisma-postgresql"#' \
      prisma/schema.prisma
} > prisma/postgresql/schema.prisma

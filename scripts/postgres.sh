#!/usr/bin/env bash
# Starts a private PostgreSQL server for the production-shaped test path and
# prints its DATABASE_URL. Installs Debian's postgresql when it is absent.
# Usage: eval "$(bash scripts/postgres.sh start)"; ...; bash scripts/postgres.sh stop
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="${PG_TEST_DIR:-/tmp/property-service-pg}"
port="${PG_TEST_PORT:-55432}"

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

case "${1:-start}" in
  start)
    if [ -z "$(bin_dir)" ]; then
      echo "postgres: installing Debian's postgresql" >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    fi
    bin="$(bin_dir)"
    as_pg=(runuser -u postgres --)
    [ "$(id -u)" -eq 0 ] || as_pg=()
    if [ ! -f "$data/PG_VERSION" ]; then
      mkdir -p "$data" && chown postgres:postgres "$data" 2>/dev/null || true
      "${as_pg[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    fi
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='property_service_test'" | grep -q 1 ||
      "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE property_service_test" >&2
    echo "export DATABASE_URL=postgresql://postgres@127.0.0.1:$port/property_service_test"
    ;;
  stop)
    bin="$(bin_dir)"
    runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    ;;
  reset)
    bin="$(bin_dir)"
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "DROP DATABASE IF EXISTS property_service_test WITH (FORCE)" >&2
    "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE property_service_test" >&2
    ;;
esac

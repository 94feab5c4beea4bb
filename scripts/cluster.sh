#!/usr/bin/env bash
# The production shape on this machine (issue 14, docs/cluster.md): a real Temporal
# cluster (frontend, history, matching and worker as separate processes on
# PostgreSQL), its Web UI, two project workers, two API processes and a small
# load balancer in front of them. Only configuration differs from `npm start`.
#
#   scripts/cluster.sh start                 provision what is missing, start everything (npm run cluster)
#   scripts/cluster.sh stop                  stop everything (the load balancer and the APIs first, PostgreSQL last)
#   scripts/cluster.sh status                each process: pid, alive, port
#   scripts/cluster.sh start-one NAME        start one process (no-op when it is alive), with its usual command
#   scripts/cluster.sh stop-one NAME         SIGTERM, then SIGKILL after 20 s
#   scripts/cluster.sh kill NAME             kill -9 the process (and its process group: tsx runs node as a child)
#   scripts/cluster.sh restart NAME          stop-one, then start-one (pg: pg_ctl restart -m fast)
#   scripts/cluster.sh env                   the environment the project's processes run with (to `eval`)
#
# NAME is one of: pg temporal-history temporal-matching temporal-frontend
# temporal-worker temporal-ui worker-1 worker-2 api-1 api-2 lb.
# State lives under .data/cluster/: pg/ (PostgreSQL data), temporal/ (generated
# server config), ui/ (UI config), logs/NAME.log, pids/NAME.pid,
# payload-keys.json (made once), env (the project processes' environment),
# config (the ports below as `start` saw them; the other commands read it).
#
# Configuration (environment, defaults in brackets):
#   CLUSTER_PG_PORT [55433]        the cluster's own PostgreSQL (Temporal's two databases and the records database)
#   CLUSTER_TEMPORAL_PORT [7233]   the frontend's gRPC port; the other services are laid out from it:
#                                  history +1, matching +2, worker +6, frontend HTTP +10,
#                                  membership ports = gRPC port - 300 (6933, 6934, 6935, 6939)
#   CLUSTER_UI_PORT [8233]         Temporal Web UI
#   CLUSTER_API_PORT [3000]        the load balancer: the README's API address
#   CLUSTER_API_PORTS ["3001 3002"] the API processes behind it (one process per port: api-1, api-2)
#   CLUSTER_HISTORY_SHARDS [4]     numHistoryShards (fixed once the database exists)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

dir="$root/.data/cluster"
logs="$dir/logs"
pids="$dir/pids"
# The ports the cluster was started with (written by `start`): every other command acts on those.
# shellcheck disable=SC1091
if [ "${1:-start}" != start ] && [ -f "$dir/config" ]; then source "$dir/config"; fi
pg_port="${CLUSTER_PG_PORT:-55433}"
t_port="${CLUSTER_TEMPORAL_PORT:-7233}"
ui_port="${CLUSTER_UI_PORT:-8233}"
lb_port="${CLUSTER_API_PORT:-3000}"
read -r -a api_ports <<< "${CLUSTER_API_PORTS:-3001 3002}"
shards="${CLUSTER_HISTORY_SHARDS:-4}"
records_db="property_service"
database_url="postgresql://postgres@127.0.0.1:$pg_port/$records_db"
temporal_address="127.0.0.1:$t_port"
t0=$SECONDS

# Temporal's services: gRPC port, membership port.
declare -A grpc_port=([frontend]=$t_port [history]=$((t_port + 1)) [matching]=$((t_port + 2)) [worker]=$((t_port + 6)))
declare -A member_port=([frontend]=$((t_port - 300)) [history]=$((t_port - 299)) [matching]=$((t_port - 298)) [worker]=$((t_port - 294)))
frontend_http_port=$((t_port + 10))

names=(pg temporal-history temporal-matching temporal-frontend temporal-worker temporal-ui worker-1 worker-2)
for i in "${!api_ports[@]}"; do names+=("api-$((i + 1))"); done
names+=(lb)

say() { echo "cluster: [$((SECONDS - t0)) s] $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_() { "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

port_of() {
  case "$1" in
    pg) echo "$pg_port" ;;
    temporal-ui) echo "$ui_port" ;;
    temporal-worker) echo "${member_port[worker]}" ;; # it serves no gRPC of its own: its membership port
    temporal-*) echo "${grpc_port[${1#temporal-}]}" ;;
    worker-*) echo "-" ;;
    api-*) echo "${api_ports[$((${1#api-} - 1))]}" ;;
    lb) echo "$lb_port" ;;
  esac
}

listening() { (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_of() {
  if [ "$1" = pg ]; then head -1 "$dir/pg/postmaster.pid" 2>/dev/null || true
  else cat "$pids/$1.pid" 2>/dev/null || true; fi
}
alive() { local p; p="$(pid_of "$1")"; [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# The environment of the project's processes: everything `npm start` reads, set for the cluster.
write_env() {
  cat > "$dir/config" <<EOF
CLUSTER_PG_PORT=$pg_port
CLUSTER_TEMPORAL_PORT=$t_port
CLUSTER_UI_PORT=$ui_port
CLUSTER_API_PORT=$lb_port
CLUSTER_API_PORTS="${api_ports[*]}"
CLUSTER_HISTORY_SHARDS=$shards
EOF
  cat > "$dir/env" <<EOF
export NODE_ENV=production
export TEMPORAL_ADDRESS=$temporal_address
export TEMPORAL_NAMESPACE=default
export DATABASE_URL=$database_url
export PAYLOAD_KEYS_FILE=$dir/payload-keys.json
export PAYLOAD_KEY_ID=cluster-1
export CODEC_CORS_ORIGINS=http://127.0.0.1:$ui_port,http://localhost:$ui_port
export CLUSTER_API_URL=http://127.0.0.1:$lb_port
EOF
}

payload_keys() {
  [ -f "$dir/payload-keys.json" ] && return 0
  (umask 077 && printf '{ "cluster-1": "%s" }\n' "$(head -c 32 /dev/urandom | base64 -w0)" > "$dir/payload-keys.json")
}

# ---- PostgreSQL --------------------------------------------------------------------------

pg_start() {
  if [ -z "$(pg_bin)" ]; then
    say "installing Debian's postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql > "$logs/apt-postgresql.log" 2>&1
  fi
  local bin; bin="$(pg_bin)"
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    mkdir -p "$dir/pg" && chown postgres:postgres "$dir/pg" 2>/dev/null || true
    chmod 700 "$dir/pg"
    as_pg "$bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$logs/pg-initdb.log"
  fi
  touch "$logs/pg.log" && chown postgres:postgres "$logs/pg.log" 2>/dev/null || true
  alive pg && listening "$pg_port" && return 0
  # After a kill -9 of the postmaster its backends exit on their own within moments; until
  # they have, the new postmaster refuses the old shared memory block: try again for 30 s.
  local i
  for i in $(seq 1 30); do
    if as_pg "$bin/pg_ctl" -D "$dir/pg" -l "$logs/pg.log" -w -t 60 \
         -o "-p $pg_port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" start > /dev/null 2>&1; then
      return 0
    fi
    sleep 1
  done
  die "PostgreSQL did not start; see $logs/pg.log"
}

# Temporal's persistence and visibility databases, with the schemas embedded in the server module.
temporal_schemas() {
  local schema="$root/.tools/gomod/go.temporal.io/server@v1.29.1/schema/postgresql/v12"
  [ -d "$schema" ] || die "the Temporal schemas are missing ($schema): run scripts/provision/temporal-server.sh"
  local sql=("$root/.tools/bin/temporal-sql-tool" --plugin postgres12 --ep 127.0.0.1 -p "$pg_port" -u postgres)
  local db kind
  for db in temporal temporal_visibility; do
    kind=temporal; [ "$db" = temporal_visibility ] && kind=visibility
    if [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$db'")" != 1 ]; then
      "${sql[@]}" --db "$db" create-database >> "$logs/schema.log" 2>&1
      "${sql[@]}" --db "$db" setup-schema -v 0.0 >> "$logs/schema.log" 2>&1
    fi
    # Idempotent: applies the versions above the one recorded (a newer server brings new ones).
    "${sql[@]}" --db "$db" update-schema -d "$schema/$kind/versioned" >> "$logs/schema.log" 2>&1
  done
}

records_database() {
  [ "$(psql_ -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$records_db'")" = 1 ] ||
    psql_ -d postgres -c "CREATE DATABASE $records_db"
  # shellcheck source=prisma-env.sh
  source "$root/scripts/prisma-env.sh"
  DATABASE_URL="$database_url" node_modules/.bin/prisma migrate deploy > "$logs/migrate.log" 2>&1 ||
    { cat "$logs/migrate.log" >&2; die "prisma migrate deploy failed"; }
}

# ---- Temporal server configuration ---------------------------------------------------------

temporal_config() {
  mkdir -p "$dir/temporal/config"
  local store
  store() { # store NAME DATABASE MAXCONNS
    cat <<EOF
    $1:
      sql:
        pluginName: "postgres12"
        databaseName: "$2"
        connectAddr: "127.0.0.1:$pg_port"
        connectProtocol: "tcp"
        user: "postgres"
        password: ""
        maxConns: $3
        maxIdleConns: $3
        maxConnLifetime: "1h"
EOF
  }
  local svc
  {
    cat <<EOF
# Generated by scripts/cluster.sh; edit the script, not this file.
log:
  stdout: true
  level: info

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: $shards
  datastores:
EOF
    store postgres-default temporal 10
    store postgres-visibility temporal_visibility 4
    cat <<EOF

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:
EOF
    for svc in frontend history matching worker; do
      cat <<EOF
  $svc:
    rpc:
      grpcPort: ${grpc_port[$svc]}
      membershipPort: ${member_port[$svc]}
      bindOnLocalHost: true
EOF
      [ "$svc" = frontend ] && echo "      httpPort: $frontend_http_port"
    done
    cat <<EOF

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "$temporal_address"
      httpAddress: "127.0.0.1:$frontend_http_port"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: "$dir/temporal/dynamicconfig.yaml"
  pollInterval: "10s"
EOF
  } > "$dir/temporal/config/cluster.yaml"

  cat > "$dir/temporal/dynamicconfig.yaml" <<EOF
# Generated by scripts/cluster.sh. What the dev server (temporal server start-dev) has on and
# the project relies on: update-with-start opens every case (ExecuteMultiOperation).
frontend.enableExecuteMultiOperation:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
system.enableNexus:
  - value: false
limit.maxIDLength:
  - value: 255
EOF

  mkdir -p "$dir/ui/config"
  cat > "$dir/ui/config/cluster.yaml" <<EOF
# Generated by scripts/cluster.sh: the Web UI on the cluster's frontend, decoding payloads
# through the API's codec endpoint (behind the load balancer), like npm start's --ui-codec-endpoint.
temporalGrpcAddress: $temporal_address
host: 127.0.0.1
port: $ui_port
enableUi: true
defaultNamespace: default
notifyOnNewVersion: false
hideLogs: false
cors:
  cookieInsecure: true
  allowOrigins:
    - http://127.0.0.1:$ui_port
    - http://localhost:$ui_port
codec:
  endpoint: http://127.0.0.1:$lb_port/codec
  includeCredentials: true
EOF
}

# ---- processes -------------------------------------------------------------------------------

# The command (and environment) of each process; the fault run restarts a process with the very same.
command_of() {
  local name="$1"
  case "$name" in
    temporal-ui)
      cmd=("$root/.tools/bin/temporal-ui-server" --root "$dir/ui" --config config --env cluster start) ;;
    temporal-*)
      cmd=(env TEMPORAL_VERSION_CHECK_DISABLED=1 "$root/.tools/bin/temporal-server" --root "$dir/temporal" --config config --env cluster --allow-no-auth start --service "${name#temporal-}") ;;
    worker-*)
      cmd=(node_modules/.bin/tsx worker/main.ts) ;;
    api-*)
      cmd=(env PORT="$(port_of "$name")" node_modules/.bin/tsx api/main.ts) ;;
    lb)
      local backends="" p
      for p in "${api_ports[@]}"; do backends+="${backends:+,}127.0.0.1:$p"; done
      cmd=(env LB_PORT="$lb_port" LB_BACKENDS="$backends" node_modules/.bin/tsx scripts/cluster/lb.ts) ;;
    *) die "unknown process '$name' (one of: ${names[*]})" ;;
  esac
}

# Ready: its port answers (Temporal services, UI, APIs, lb), or its log says "worker started" (workers).
wait_ready() {
  local name="$1" from="$2" timeout="${3:-120}" i
  for ((i = 0; i < timeout * 5; i++)); do
    alive "$name" || { tail -n 30 "$logs/$name.log" >&2; die "$name exited while starting (log: $logs/$name.log)"; }
    case "$name" in
      worker-*) tail -c +"$((from + 1))" "$logs/$name.log" 2>/dev/null | grep -q '"worker started"' && return 0 ;;
      *) listening "$(port_of "$name")" && return 0 ;;
    esac
    sleep 0.2
  done
  die "$name not ready after $timeout s (log: $logs/$name.log)"
}

start_one() {
  local name="$1"
  if [ "$name" = pg ]; then pg_start; return; fi
  if alive "$name"; then echo "cluster: $name already running (pid $(pid_of "$name"))"; return 0; fi
  command_of "$name"
  local port; port="$(port_of "$name")"
  if [ "$port" != - ] && listening "$port"; then die "port $port (for $name) is taken by another process"; fi
  local from=0
  [ -f "$logs/$name.log" ] && from=$(stat -c %s "$logs/$name.log")
  echo "==== $(date -Is) start: ${cmd[*]}" >> "$logs/$name.log"
  from=$(stat -c %s "$logs/$name.log")
  # setsid: each process leads a process group of its own (tsx runs node as a child), so a
  # kill reaches the whole process and nothing outlives it; the group's id is the pid recorded.
  # shellcheck disable=SC1091
  ( source "$dir/env"; exec setsid "${cmd[@]}" >> "$logs/$name.log" 2>&1 < /dev/null ) &
  echo $! > "$pids/$name.pid"
  wait_ready "$name" "$from"
}

stop_one() {
  local name="$1" p i
  if [ "$name" = pg ]; then
    [ -n "$(pg_bin)" ] && [ -f "$dir/pg/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg" -m fast -w stop > /dev/null 2>&1 || true
    return 0
  fi
  p="$(pid_of "$name")"
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true # the leader only: tsx passes it on to node, which drains
    for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$p" 2>/dev/null || true # the group: anything left after 20 s
  fi
  rm -f "$pids/$name.pid"
}

kill_one() {
  local name="$1" p
  p="$(pid_of "$name")"
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || die "$name is not running"
  if [ "$name" = pg ]; then kill -KILL "$p"; else kill -KILL -- "-$p"; fi
  echo "cluster: kill -9 $name (pid $p)"
}

status() {
  printf '%-18s %-8s %-6s %s\n' process pid alive port
  local name p a port
  for name in "${names[@]}"; do
    p="$(pid_of "$name")"; a=no; alive "$name" && a=yes
    port="$(port_of "$name")"
    [ "$port" != - ] && { listening "$port" && port="$port (listening)" || port="$port (closed)"; }
    printf '%-18s %-8s %-6s %s\n' "$name" "${p:--}" "$a" "$port"
  done
}

# start_one each NAME side by side; fails when any of them did.
parallel() {
  local name ps=() failed=0
  for name in "$@"; do start_one "$name" & ps+=($!); done
  for name in "${ps[@]}"; do wait "$name" || failed=1; done
  [ "$failed" -eq 0 ] || die "could not start all of: $*"
}
parallel_stop() {
  local name ps=()
  for name in "$@"; do stop_one "$name" & ps+=($!); done
  for name in "${ps[@]}"; do wait "$name" || true; done
}

temporal_cli() { "$root/.tools/bin/temporal" "$@" --address "$temporal_address"; }

start_all() {
  mkdir -p "$logs" "$pids"
  say "provisioning (node packages, Prisma clients, Temporal CLI, server, SQL tool and UI server; skipped when in place)"
  bash scripts/provision.sh cluster
  payload_keys
  write_env
  say "starting PostgreSQL on 127.0.0.1:$pg_port (data: .data/cluster/pg)"
  pg_start
  say "Temporal's databases and schemas; the records database (prisma migrate deploy)"
  temporal_schemas &
  local schemas=$!
  records_database
  wait "$schemas" || { tail -n 30 "$logs/schema.log" >&2; die "the Temporal schema setup failed (log: $logs/schema.log)"; }
  temporal_config
  say "starting Temporal: history, matching, frontend ($temporal_address), worker"
  local svc
  # History alone first: on a new database the first service to start writes the cluster's
  # metadata record, and services starting side by side race for it (one dies with
  # "duplicate key ... cluster_metadata_info_pkey"). The other three then start together.
  start_one temporal-history
  parallel temporal-matching temporal-frontend temporal-worker
  local i
  for i in $(seq 1 60); do temporal_cli operator cluster health > /dev/null 2>&1 && break; sleep 1; done
  if ! temporal_cli operator namespace describe --namespace default > /dev/null 2>&1; then
    say "creating the namespace 'default' (retention 30 days)"
    for i in $(seq 1 30); do temporal_cli operator namespace create --namespace default --retention 30d >> "$logs/setup.log" 2>&1 && break; sleep 1; done
  fi
  say "registering search attributes and schedules"
  # shellcheck disable=SC1091
  for i in $(seq 1 30); do (source "$dir/env"; node_modules/.bin/tsx scripts/registerSearchAttributes.ts) >> "$logs/setup.log" 2>&1 && break; sleep 1; done
  (source "$dir/env"; node_modules/.bin/tsx scripts/schedules.ts) >> "$logs/setup.log" 2>&1 || { tail "$logs/setup.log" >&2; die "scripts/schedules.ts failed"; }
  say "starting the Web UI, the workers, the APIs and the load balancer"
  local apis=()
  for i in "${!api_ports[@]}"; do apis+=("api-$((i + 1))"); done
  parallel temporal-ui worker-1 worker-2 "${apis[@]}"
  start_one lb
  echo ""
  echo "  API:          http://127.0.0.1:$lb_port   (load balancer over ${api_ports[*]}; routes: docs/api.md)"
  echo "  Temporal UI:  http://127.0.0.1:$ui_port"
  echo "  Temporal:     $temporal_address   (PostgreSQL 127.0.0.1:$pg_port)"
  echo "  Staff:        (source .data/cluster/env && npm run staff:add -- --id csr-li --name 李娜 --role csr)"
  echo "  Up in $((SECONDS - t0)) s. Stop with: bash scripts/cluster.sh stop"
  echo ""
}

# The load balancer and the APIs first (they finish their requests), then the workers (they
# drain), the UI, Temporal's services, PostgreSQL last.
stop_all() {
  local name apis=() workers=()
  for name in "${names[@]}"; do case "$name" in api-*) apis+=("$name") ;; worker-*) workers+=("$name") ;; esac; done
  stop_one lb
  parallel_stop "${apis[@]}"
  parallel_stop "${workers[@]}"
  stop_one temporal-ui
  parallel_stop temporal-worker temporal-frontend
  parallel_stop temporal-matching temporal-history
  stop_one pg
  say "stopped"
}

mkdir -p "$logs" "$pids"
[ -f "$dir/env" ] || write_env
case "${1:-start}" in
  start) start_all ;;
  stop) stop_all ;;
  status) status ;;
  start-one) start_one "${2:?name}" ;;
  stop-one) stop_one "${2:?name}" ;;
  kill) kill_one "${2:?name}" ;;
  restart)
    if [ "${2:?name}" = pg ]; then as_pg "$(pg_bin)/pg_ctl" -D "$dir/pg" -l "$logs/pg.log" -m fast -w restart > /dev/null
    else stop_one "$2"; start_one "$2"; fi ;;
  env) cat "$dir/env" ;;
  *) die "usage: cluster.sh start|stop|status|start-one NAME|stop-one NAME|kill NAME|restart NAME|env" ;;
esac

# Sourced by scripts: Prisma 6 runs on its WASM engines here; pointing the native
# engine variables at a stub stops the CLI from trying to download them.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$_root/.tools/prisma-stub"
[ -f "$_root/.tools/prisma-stub/engine" ] || : > "$_root/.tools/prisma-stub/engine"
export PRISMA_SCHEMA_ENGINE_BINARY="$_root/.tools/prisma-stub/engine"
export PRISMA_QUERY_ENGINE_LIBRARY="$_root/.tools/prisma-stub/engine"
export PRISMA_HIDE_UPDATE_MESSAGE=1
export CHECKPOINT_DISABLE=1
unset _root

# Sourced by start.sh and bench.sh: how the Temporal dev server keeps its SQLite file.
# WAL with synchronous=NORMAL: a commit appends to the write-ahead log instead of
# rewriting and syncing a rollback journal per transaction. A killed server loses
# nothing (the log is in the file system); only an OS crash or power cut can lose
# the last commits, which is acceptable for the embedded default (production runs
# a Temporal cluster on PostgreSQL). Measured with `npm run bench -- --scale 1500`:
# the server's CPU per timer event 0.47x, the whole system's 0.60x (docs/bench.md).
# shellcheck disable=SC2034 # used by the scripts that source this file
dev_server_sqlite=(--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal)

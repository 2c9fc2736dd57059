#!/usr/bin/env bash
# Persistence, side by side with Debian's redis-server: the time to load a
# 1M-key RDB at startup, the BGSAVE and BGREWRITEAOF durations, and the
# longest PING wait another client saw while each ran (the fork included).
#
#   bench/persistence.sh                 N=1000000 keys, one run
#   N=200000 bench/persistence.sh        smaller
#   RECORD=1 bench/persistence.sh        also append the table to bench/RESULTS.md
#   WHO=ours bench/persistence.sh        only our server (the redis column stays empty)
#
# Targets (issue 5): load time <= 1.5x Redis's, stall <= 10 ms.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
log() { echo "[persistence] $*" >&2; }
N=${N:-1000000}
TMP=$(mktemp -d /tmp/gears-bench-persist.XXXXXX)
PIDS=()
cleanup() { stop_pids "${PIDS[@]}"; rm -rf "$TMP"; }
trap cleanup EXIT

"$ROOT/scripts/ensure_redis.sh"
REDIS_SERVER=$(command -v redis-server)
if [[ -n "${GEARS_SERVER_BIN:-}" ]]; then
  OURS_BIN=$GEARS_SERVER_BIN
else
  log "building target/release/gears-server"
  (cd "$ROOT" && "$ROOT/scripts/ensure_python_dev.sh" && cargo build --quiet --release -p gears-server --bin gears-server)
  OURS_BIN=$ROOT/target/release/gears-server
fi
VENV=$ROOT/.venv
"$ROOT/tests/python/ensure_venv.sh" "$VENV" >/dev/null
PY=$VENV/bin/python

start() { # NAME BIN DIR PORT -> pid in LAST_PID
  mkdir -p "$3"
  VIRTUAL_ENV=$VENV "$2" --port "$4" --bind 127.0.0.1 --save "" --appendonly no --dir "$3" \
    >>"$3/server.log" 2>&1 </dev/null &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  wait_ready "$4" "$LAST_PID" "$1" "$3/server.log"
}

declare -A RES
for who in ${WHO:-ours redis}; do
  if [[ $who == ours ]]; then bin=$OURS_BIN; else bin=$REDIS_SERVER; fi
  dir=$TMP/$who
  port=$(free_port)
  start "$who" "$bin" "$dir" "$port"
  pid=$LAST_PID
  log "$who: filling $N keys"
  keys=$("$PY" "$ROOT/bench/persist_probe.py" --port "$port" fill --n "$N")
  read -r took worst fork <<<"$("$PY" "$ROOT/bench/persist_probe.py" --port "$port" background --op bgsave)"
  RES[$who.bgsave]=$took RES[$who.bgsave_stall]=$worst RES[$who.fork]=$fork
  log "$who: BGSAVE ${took}s, longest PING ${worst} ms, fork ${fork} us"
  redis-cli -p "$port" config set appendonly yes >/dev/null
  for _ in $(seq 600); do
    [[ "$(redis-cli -p "$port" info persistence | tr -d '\r' | grep '^aof_rewrite_in_progress:' | cut -d: -f2)" == 0 ]] && break
    sleep 0.1
  done
  read -r took worst fork <<<"$("$PY" "$ROOT/bench/persist_probe.py" --port "$port" background --op bgrewriteaof)"
  RES[$who.aof]=$took RES[$who.aof_stall]=$worst
  log "$who: BGREWRITEAOF ${took}s, longest PING ${worst} ms"
  redis-cli -p "$port" config set appendonly no >/dev/null
  redis-cli -p "$port" save >/dev/null
  RES[$who.size]=$(stat -c %s "$dir/dump.rdb")
  stop_pids "$pid"
  # Load the dump at startup: both servers log "DB loaded from disk: X seconds".
  : >"$dir/server.log"
  start "$who" "$bin" "$dir" "$port"
  loaded=$(redis-cli -p "$port" dbsize)
  [[ "$loaded" == "$keys" ]] || { log "$who loaded $loaded keys, expected $keys"; exit 1; }
  RES[$who.load]=$(grep -o 'DB loaded from disk: [0-9.]* seconds' "$dir/server.log" | grep -o '[0-9.]*' | head -1)
  log "$who: loaded $loaded keys in ${RES[$who.load]}s (rdb ${RES[$who.size]} bytes)"
  stop_pids "$LAST_PID"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b > 0) printf "%.2fx", a / b; else print "-" }'; }
for k in load size bgsave bgsave_stall fork aof aof_stall; do
  for who in ours redis; do RES[$who.$k]=${RES[$who.$k]:--}; done
done
table=$(cat <<TABLE
# persistence: gears-server vs redis-server $("$REDIS_SERVER" --version | grep -o 'v=[^ ]*' | cut -c3-), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $N keys

| measure | ours | redis | ours/redis |
| --- | --- | --- | --- |
| RDB load at startup (s) | ${RES[ours.load]} | ${RES[redis.load]} | $(ratio "${RES[ours.load]}" "${RES[redis.load]}") |
| RDB size (bytes) | ${RES[ours.size]} | ${RES[redis.size]} | $(ratio "${RES[ours.size]}" "${RES[redis.size]}") |
| BGSAVE duration (s) | ${RES[ours.bgsave]} | ${RES[redis.bgsave]} | $(ratio "${RES[ours.bgsave]}" "${RES[redis.bgsave]}") |
| longest PING during BGSAVE (ms) | ${RES[ours.bgsave_stall]} | ${RES[redis.bgsave_stall]} | |
| fork (us) | ${RES[ours.fork]} | ${RES[redis.fork]} | |
| BGREWRITEAOF duration (s) | ${RES[ours.aof]} | ${RES[redis.aof]} | $(ratio "${RES[ours.aof]}" "${RES[redis.aof]}") |
| longest PING during BGREWRITEAOF (ms) | ${RES[ours.aof_stall]} | ${RES[redis.aof_stall]} | |
TABLE
)
echo "$table"
if [[ "${RECORD:-0}" == 1 ]]; then
  printf '\n%s\n' "$table" >>"$ROOT/bench/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi

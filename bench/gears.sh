#!/usr/bin/env bash
# Gears batch workloads side by side (issue 4): our release gears-server runs
# them as RG.PYEXECUTE; Debian's redis-server runs the alternatives users
# compare Gears with: one Lua EVAL over everything, Lua per SCAN chunk, and
# redis-py with pipelining. All via ../shared/bench/gears_alternatives.py,
# which checks every answer and reports the longest PING round trip another
# client saw while each run was going (max_ping_ms).
#
# usage: bench/gears.sh
# env:   COUNTBY_N=1000000     hashes for countby
#        WORDCOUNT_N=200000    strings for wordcount
#        REPEAT=3              runs per method (median kept)
#        GEARS_SERVER_BIN=path  binary to test (default: build target/release/gears-server)
#        REDIS_SERVER=redis-server
#        RECORD=1              append the run to bench/RESULTS.md
#
# Targets: countby >= 400k keys/s, no other client stalled > 10 ms during a
# Gears run, and wordcount faster than the pipelined client on real Redis.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
COUNTBY_N=${COUNTBY_N:-1000000}
WORDCOUNT_N=${WORDCOUNT_N:-200000}
REPEAT=${REPEAT:-3}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
RECORD=${RECORD:-0}
VENV=${VENV:-$ROOT/.venv}
CMDLINE="COUNTBY_N=$COUNTBY_N WORDCOUNT_N=$WORDCOUNT_N REPEAT=$REPEAT bench/gears.sh"

log() { echo "gears.sh: $*" >&2; }
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

missing=()
command -v "$REDIS_SERVER" >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
((${#missing[@]} == 0)) || apt_install "${missing[@]}"
"$ROOT/tests/python/ensure_venv.sh" "$VENV"
PY="$VENV/bin/python"

if [[ -n "${GEARS_SERVER_BIN:-}" ]]; then
  OURS_BIN=$GEARS_SERVER_BIN
else
  "$ROOT/scripts/ensure_python_dev.sh"
  (cd "$ROOT" && cargo build --quiet --release -p gears-server --bin gears-server)
  OURS_BIN=$ROOT/target/release/gears-server
fi

TMP=$(mktemp -d)
OURS_PID=""; REDIS_PID=""
cleanup() {
  # shellcheck disable=SC2086
  stop_pids $OURS_PID $REDIS_PID
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

OURS_PORT=$(free_port)
REDIS_PORT=$(free_port "$OURS_PORT")
# cloudpickle for the embedded Python comes from the venv.
VIRTUAL_ENV=$VENV "$OURS_BIN" --port "$OURS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP" >"$TMP/ours.log" 2>&1 </dev/null &
OURS_PID=$!
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP" \
  >"$TMP/redis.log" 2>&1 </dev/null &
REDIS_PID=$!
wait_ready "$OURS_PORT" "$OURS_PID" gears-server "$TMP/ours.log"
wait_ready "$REDIS_PORT" "$REDIS_PID" redis-server "$TMP/redis.log"

run() { # PORT WORKLOAD SIZE METHODS
  "$PY" "$SHARED_BENCH/gears_alternatives.py" --port "$1" --workloads "$2" --sizes "$3" \
    --methods "$4" --repeat "$REPEAT" | grep -v '^#' | grep -v '^workload' || true
}

{
  echo "workload   size     method       server   seconds    items/s max_cmd_ms max_ping_ms check"
  for spec in "countby $COUNTBY_N" "wordcount $WORDCOUNT_N"; do
    set -- $spec
    run "$REDIS_PORT" "$1" "$2" lua_full,lua_chunked,py_pipeline | awk '{printf "%-10s %-8s %-12s %-8s %s %s %s %s %s\n", $1, $2, $3, "redis", $4, $5, $6, $7, $10}'
    run "$OURS_PORT" "$1" "$2" gears | awk '{printf "%-10s %-8s %-12s %-8s %s %s %s %s %s\n", $1, $2, $3, "ours", $4, $5, $6, $7, $10}'
  done
} | tee "$TMP/table.txt" | column -t

summary=$(awk '
  $4 == "redis" && $3 == "py_pipeline" { pipe[$1] = $5 }
  $4 == "redis" && $3 == "lua_full"    { lua[$1] = $5 }
  $4 == "ours"  && $3 == "gears"       { g[$1] = $5; rate[$1] = $6; ping[$1] = $8 }
  END {
    for (w in g) printf "%s: gears %.0f items/s, %.2fx faster than py_pipeline, %.2fx of lua_full time, max PING %.1f ms\n", w, rate[w], pipe[w] / g[w], g[w] / lua[w], ping[w]
  }' "$TMP/table.txt" | sort)
echo
echo "$summary"

if [[ "$RECORD" == 1 ]]; then
  {
    echo
    echo "## Gears batch workloads, $(date -u +%Y-%m-%d) ($(nproc) cores)"
    echo
    echo "Command: \`$CMDLINE\` (ours: release build; redis: $("$REDIS_SERVER" --version | grep -o 'v=[^ ]*'))"
    echo
    echo '```'
    column -t "$TMP/table.txt"
    echo
    echo "$summary"
    echo '```'
  } >>"$ROOT/bench/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi

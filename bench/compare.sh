#!/usr/bin/env bash
# Side-by-side benchmark: our release gears-server against Debian's redis-server,
# started with the same settings on two free loopback ports, measured back to
# back by the shared scripts (../shared/bench/raw.sh and memory.sh), then a
# table of ours/theirs ratios.
#
# usage: bench/compare.sh            (or: make bench)
# env:   N=1000000      requests per redis-benchmark test (raw.sh)
#        MEM_N=1000000  keys for the memory-per-key load (memory.sh, 64-byte strings)
#        REPEAT=1       runs per raw.sh cell (median kept)
#        C=50 D=64 R=1000000 PIPES="1 16" TESTS="set get lpush lpop sadd hset zadd xadd"
#                       passed on to raw.sh
#        MEM_KINDS="strings hashes list zset stream"   data sets for memory per item
#        GEARS_SERVER_BIN=path   use this binary instead of building target/release/gears-server
#        REDIS_SERVER=redis-server   the reference server binary
#        SHARED_BENCH=<repo>/../shared/bench   where raw.sh and memory.sh live
#        RECORD=1       also append the run (command, raw outputs, ratios) to bench/RESULTS.md
#
# Targets (issues 2 and 3): server CPU per request <= 1.25x Redis's at both
# pipeline depths for SET GET LPUSH LPOP SADD HSET ZADD XADD, and memory per
# item <= 1.3x for 1M strings, 1M small hashes, and one 1M-element list, zset
# and stream.
#
# Both servers are stopped on exit, whatever happens (trap). Both are FLUSHALLed
# by the scripts: they are private instances started here, nothing else is touched.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_BENCH=${SHARED_BENCH:-$ROOT/../shared/bench}
N=${N:-1000000}
MEM_N=${MEM_N:-1000000}
REPEAT=${REPEAT:-1}
C=${C:-50}; D=${D:-64}; R=${R:-1000000}
PIPES=${PIPES:-"1 16"}
TESTS=${TESTS:-"set get lpush lpop sadd hset zadd xadd"}
# data sets for memory per item: memory.sh's strings/hashes/list/zset, plus
# bench/memory_stream.sh's stream
MEM_KINDS=${MEM_KINDS:-"strings hashes list zset stream"}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
RECORD=${RECORD:-0}
CMDLINE="N=$N MEM_N=$MEM_N REPEAT=$REPEAT C=$C D=$D R=$R PIPES=\"$PIPES\" TESTS=\"$TESTS\" MEM_KINDS=\"$MEM_KINDS\" bench/compare.sh"

log() { echo "compare.sh: $*" >&2; }

# ---------------------------------------------------------------- prerequisites
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
missing=()
command -v "$REDIS_SERVER" >/dev/null 2>&1 || missing+=(redis-server)
{ command -v redis-cli && command -v redis-benchmark; } >/dev/null 2>&1 || missing+=(redis-tools)
command -v bc >/dev/null 2>&1 || missing+=(bc)
command -v column >/dev/null 2>&1 || missing+=(bsdextrautils)
((${#missing[@]} == 0)) || apt_install "${missing[@]}"

for f in raw.sh memory.sh; do
  [[ -f "$SHARED_BENCH/$f" ]] || { log "missing $SHARED_BENCH/$f (set SHARED_BENCH)"; exit 1; }
done

if [[ -n "${GEARS_SERVER_BIN:-}" ]]; then
  OURS_BIN=$GEARS_SERVER_BIN
else
  log "building target/release/gears-server"
  (cd "$ROOT" && cargo build --quiet --release -p gears-server --bin gears-server)
  OURS_BIN=$ROOT/target/release/gears-server
fi
[[ -x "$OURS_BIN" ]] || { log "no executable at $OURS_BIN"; exit 1; }

# ---------------------------------------------------------------- servers
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gears-bench.XXXXXX")
OURS_PID=""; REDIS_PID=""; STEP_PID=""
cleanup() {
  # a measuring step still running (own process group: raw.sh, redis-benchmark, redis-cli)
  [[ -n "$STEP_PID" ]] && kill -- "-$STEP_PID" 2>/dev/null || true
  # shellcheck disable=SC2086
  stop_pids $OURS_PID $REDIS_PID
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM



OURS_PORT=$(free_port)
REDIS_PORT=$(free_port "$OURS_PORT")
mkdir -p "$TMP/ours" "$TMP/redis"

# Same settings for both: loopback only, no persistence, defaults otherwise.
"$OURS_BIN" --port "$OURS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP/ours" \
  >"$TMP/ours.log" 2>&1 </dev/null &
OURS_PID=$!
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$TMP/redis" \
  >"$TMP/redis.log" 2>&1 </dev/null &
REDIS_PID=$!
wait_ready "$OURS_PORT" "$OURS_PID" gears-server "$TMP/ours.log"
wait_ready "$REDIS_PORT" "$REDIS_PID" redis-server "$TMP/redis.log"
log "gears-server on :$OURS_PORT (pid $OURS_PID), redis-server $("$REDIS_SERVER" --version | grep -o 'v=[^ ]*') on :$REDIS_PORT (pid $REDIS_PID)"

# memory.sh always loads strings and hashes (plus list and zset with EXTRA=1);
# run a copy whose data-set list comes from KINDS, so each run measures the
# data sets asked for. The measuring code is the shared script's, unchanged.
sed 's/^KINDS="strings hashes"/KINDS="${KINDS:-strings hashes}"/' "$SHARED_BENCH/memory.sh" >"$TMP/memory.sh"
grep -q '^KINDS="${KINDS:-strings hashes}"' "$TMP/memory.sh" \
  || { log "memory.sh changed: cannot restrict it to strings"; exit 1; }
chmod +x "$TMP/memory.sh"

# Runs a measuring step in its own process group and waits for it in a way a
# signal can interrupt, so Ctrl-C / kill stops it and both servers at once.
step() { # OUT CMD...
  local out=$1; shift
  setsid "$@" >"$out" </dev/null &
  STEP_PID=$!
  local rc=0
  wait "$STEP_PID" || rc=$?
  STEP_PID=""
  return "$rc"
}
run_raw() { # PORT OUT
  step "$2" env N="$N" C="$C" D="$D" R="$R" PIPES="$PIPES" REPEAT="$REPEAT" TESTS="$TESTS" \
    "$SHARED_BENCH/raw.sh" 127.0.0.1 "$1"
}
run_mem() { # PORT OUT
  local kinds="" k
  for k in $MEM_KINDS; do [[ "$k" == stream ]] || kinds="$kinds $k"; done
  : >"$2"
  if [[ -n "${kinds// /}" ]]; then
    step "$2" env N="$MEM_N" D="$D" EXTRA=0 KINDS="${kinds# }" "$TMP/memory.sh" 127.0.0.1 "$1"
  fi
  if [[ " $MEM_KINDS " == *" stream "* ]]; then
    step "$2.stream" env N="$MEM_N" "$ROOT/bench/memory_stream.sh" 127.0.0.1 "$1"
    # keep one header line: memory.sh's if it ran, else the stream table's
    if [[ -s "$2" ]]; then tail -n +2 "$2.stream" >>"$2"; else cat "$2.stream" >"$2"; fi
  fi
}

log "raw.sh (N=$N, TESTS=\"$TESTS\", PIPES=\"$PIPES\") against gears-server"
run_raw "$OURS_PORT" "$TMP/raw.ours"
log "raw.sh against redis-server"
run_raw "$REDIS_PORT" "$TMP/raw.redis"
log "memory per item (N=$MEM_N: $MEM_KINDS) against gears-server"
run_mem "$OURS_PORT" "$TMP/mem.ours"
log "memory.sh against redis-server"
run_mem "$REDIS_PORT" "$TMP/mem.redis"

# ---------------------------------------------------------------- report
# raw.sh table: "test P1_rps P1_p50ms P1_srv_us/op P16_rps ..." ; value of TEST/column
raw_val() { # FILE TEST COLNAME
  awk -v t="$2" -v c="$3" '
    /^#/ {next}
    $1=="test" {for (i = 1; i <= NF; i++) col[$i] = i; next}
    toupper($1)==toupper(t) && (c in col) {print $(col[c]); found=1}
    END {if (!found) print "-"}' "$1"
}
mem_val() { # FILE DATASET COLNAME
  awk -v d="$2" -v c="$3" '
    /^#/ {next}
    $1=="dataset" {for (i = 1; i <= NF; i++) col[$i] = i; next}
    $1==d && (c in col) {print $(col[c]); found=1}
    END {if (!found) print "-"}' "$1"
}
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'
}
verdict() { # RATIO LIMIT  (ok when ratio <= limit)
  awk -v r="$1" -v l="$2" 'BEGIN { if (r == "-") print "n/a"; else if (r + 0 <= l + 0) print "ok"; else print "OVER" }'
}

report() {
  echo "# gears-server vs redis-server $("$REDIS_SERVER" --version | grep -o 'v=[^ ]*' | cut -c3-), $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
  echo "# command: $CMDLINE"
  echo
  echo "## raw.sh, gears-server"; cat "$TMP/raw.ours"; echo
  echo "## raw.sh, redis-server"; cat "$TMP/raw.redis"; echo
  echo "## memory per item ($MEM_KINDS), gears-server"; cat "$TMP/mem.ours"; echo
  echo "## memory per item ($MEM_KINDS), redis-server"; cat "$TMP/mem.redis"; echo
  echo "## ours/theirs"
  {
    echo "metric ours redis ours/redis target"
    local t p o r q
    for t in $TESTS; do
      T=$(echo "$t" | tr a-z A-Z)
      for p in $PIPES; do
        o=$(raw_val "$TMP/raw.ours" "$T" "P${p}_srv_us/op"); r=$(raw_val "$TMP/raw.redis" "$T" "P${p}_srv_us/op")
        q=$(ratio "$o" "$r")
        echo "$T-P$p-server-cpu-us/req $o $r $q <=1.25:$(verdict "$q" 1.25)"
        o=$(raw_val "$TMP/raw.ours" "$T" "P${p}_rps"); r=$(raw_val "$TMP/raw.redis" "$T" "P${p}_rps")
        echo "$T-P$p-requests/s $o $r $(ratio "$o" "$r") higher-is-better"
      done
    done
    for k in $MEM_KINDS; do
      o=$(mem_val "$TMP/mem.ours" "$k" bytes_per_item); r=$(mem_val "$TMP/mem.redis" "$k" bytes_per_item)
      q=$(ratio "$o" "$r")
      echo "$k-bytes/item $o $r $q <=1.3:$(verdict "$q" 1.3)"
    done
  } | column -t
}

report | tee "$TMP/report"
if [[ "$RECORD" == 1 ]]; then
  [[ -f "$ROOT/bench/RESULTS.md" ]] || printf '# Benchmark results\n\nOutput of bench/compare.sh runs (ours = gears-server, redis = Debian redis-server), newest last.\n' >"$ROOT/bench/RESULTS.md"
  { echo; echo '```'; cat "$TMP/report"; echo '```'; } >>"$ROOT/bench/RESULTS.md"
  log "appended to bench/RESULTS.md"
fi

#!/usr/bin/env bash
# Memory per entry of one stream, measured like ../shared/bench/memory.sh
# measures its data sets (used_memory growth / entries), for any RESP server.
#
# usage: memory_stream.sh [HOST] [PORT]     env: N=1000000
# Data set: XADD bigstream * f <i>   (one key, N entries with auto ids)
# Output: a "dataset ..." table in memory.sh's columns, with dataset "stream".
set -euo pipefail
HOST=${1:-127.0.0.1}
PORT=${2:-7380}
N=${N:-1000000}
CLI=(redis-cli -h "$HOST" -p "$PORT")
mem() { "${CLI[@]}" info memory | tr -d '\r' | awk -F: -v k="$1" '$1==k {print $2}'; }
"${CLI[@]}" flushall >/dev/null
sleep 1
before=$(mem used_memory)
t0=$(date +%s.%N)
awk -v n="$N" 'function bulk(s) { printf "$%d\r\n%s\r\n", length(s), s }
  BEGIN { for (i = 0; i < n; i++) { printf "*5\r\n"; bulk("XADD"); bulk("bigstream"); bulk("*"); bulk("f"); bulk(i) } }' \
  | "${CLI[@]}" --pipe >/dev/null
t1=$(date +%s.%N)
sleep 1
after=$(mem used_memory); rss=$(mem used_memory_rss)
{
  echo "dataset used_memory_before used_memory_after delta_MiB bytes_per_item rss_after_MiB load_s"
  awk -v b="$before" -v a="$after" -v n="$N" -v r="$rss" -v t="$(echo "$t1 - $t0" | bc)" \
    'BEGIN { printf "stream %d %d %.1f %.1f %.1f %.1f\n", b, a, (a-b)/1048576, (a-b)/n, r/1048576, t }'
} | column -t
"${CLI[@]}" flushall >/dev/null

#!/usr/bin/env bash
# The persistence tests and the benchmarks compare with Debian's real
# redis-server (and use redis-cli): install redis-server and redis-tools with
# apt-get when they are missing.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
  exit 0
fi
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
echo "installing with apt-get: redis-server redis-tools" >&2
if ! "${sudo[@]}" apt-get install -y -qq redis-server redis-tools >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -qq >/dev/null
  "${sudo[@]}" apt-get install -y -qq redis-server redis-tools >/dev/null
fi
# Debian starts a system instance on 6379; the tests start their own.
(command -v systemctl >/dev/null && "${sudo[@]}" systemctl stop redis-server >/dev/null 2>&1) || true

# Shared by the bench scripts (sourced): installing Debian packages, picking
# free loopback ports, waiting for a server to answer PING. The sourcing
# script defines log().

apt_install() {
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  log "installing with apt-get: $*"
  if ! "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
  fi
}

# a loopback port nobody listens on (and that is not the other server's)
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 30000))
    [[ "$p" == "${1:-}" ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"; return 0
    fi
  done
  log "no free port found"; return 1
}

wait_ready() { # PORT PID NAME LOG
  for _ in $(seq 200); do
    kill -0 "$2" 2>/dev/null || { log "$3 exited during startup:"; cat "$4" >&2; return 1; }
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == PONG ]] && return 0
    sleep 0.1
  done
  log "$3 did not answer PING on port $1:"; cat "$4" >&2; return 1
}

# Stops servers started by the sourcing script: TERM, up to 5 s each, then KILL.
stop_pids() { # PID...
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}

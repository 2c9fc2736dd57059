#!/usr/bin/env bash
# Creates (or refreshes) the virtualenv for the acceptance suite with the exact
# versions pinned in requirements.txt. Idempotent: does nothing when the venv
# already matches the pins. On a fresh Debian machine it installs python3 and
# python3-venv with apt-get (running `apt-get update` only if the install
# fails without it).
#
# usage: tests/python/ensure_venv.sh [VENV_DIR]     (default: <repo>/.venv)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
VENV=${1:-$ROOT/.venv}
REQS=$HERE/requirements.txt
PY=${PYTHON:-python3}

apt_install() {
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  echo "installing with apt-get: $*" >&2
  if ! "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null 2>&1; then
    "${sudo[@]}" apt-get update -qq >/dev/null
    "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
  fi
}

if ! command -v "$PY" >/dev/null 2>&1; then
  apt_install python3 python3-venv
fi
# Debian's python3 needs python3-venv (ensurepip) for `python3 -m venv`.
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  ver=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  apt_install python3-venv "python$ver-venv" 2>/dev/null || apt_install python3-venv
fi

stamp="$VENV/.requirements.sha256"
want=$( { sha256sum "$REQS" | cut -d' ' -f1; "$PY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)
if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] \
   && "$VENV/bin/python" -c 'import pytest, redis' >/dev/null 2>&1; then
  exit 0
fi

if ! [[ -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-input -r "$REQS"
echo "$want" >"$stamp"
echo "venv ready: $VENV ($("$VENV/bin/python" -m pip freeze --disable-pip-version-check | tr '\n' ' '))" >&2

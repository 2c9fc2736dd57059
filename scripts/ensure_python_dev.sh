#!/usr/bin/env bash
# gears-server embeds CPython (pyo3) and links against the libpython of the
# interpreter named by PYO3_PYTHON (default: python3 on PATH). This makes sure
# that interpreter exists, is 3.10+, and has its shared library; on Debian it
# installs python3 / python3-dev with apt-get when they are missing.
set -euo pipefail
PY=${PYO3_PYTHON:-python3}

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

command -v "$PY" >/dev/null 2>&1 || apt_install python3 python3-dev
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'; then
  echo "error: $PY is $("$PY" -V 2>&1); gears-server needs Python 3.10 or newer (set PYO3_PYTHON)" >&2
  exit 1
fi
has_lib='import os, sysconfig as s
d, l = s.get_config_var("LIBDIR") or "", s.get_config_var("LDLIBRARY") or ""
raise SystemExit(0 if os.path.exists(os.path.join(d, l)) else 1)'
if ! "$PY" -c "$has_lib"; then
  apt_install python3-dev
  "$PY" -c "$has_lib" || { echo "error: no libpython for $PY (install its -dev package)" >&2; exit 1; }
fi

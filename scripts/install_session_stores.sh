#!/usr/bin/env bash
# Installs the session-store servers the tests start for themselves: memcached and Redis
# (the Debian packages `memcached` and `redis-server`), when they are missing. Neither is left
# running as a service: each test starts its own instance on an ephemeral port.
#
#     scripts/install_session_stores.sh        # needs root (or sudo) and apt-get
set -euo pipefail

missing=()
command -v memcached >/dev/null || missing+=(memcached)
command -v redis-server >/dev/null || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install_session_stores: no apt-get here; install ${missing[*]} with this system's" \
    "package manager." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install_session_stores: ${missing[*]} missing and not root: run" \
      "'apt-get install ${missing[*]}' as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# (A service the package may start is not used: the tests run their own instances.)
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"

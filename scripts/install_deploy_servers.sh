#!/usr/bin/env bash
# Installs the programs the deployment tests run a site under, when they are missing: nginx and
# Apache's httpd (reverse proxies in front of several instances), supervisor (supervisord and
# supervisorctl) and systemd's systemd-socket-activate (socket activation without systemd
# running), the Debian packages `nginx`, `apache2-bin`, `supervisor` and `systemd`. No service is left running: each test starts
# its own nginx or supervisord with a generated config in a temporary directory.
#
#     scripts/install_deploy_servers.sh        # needs root (or sudo) and apt-get
set -euo pipefail

missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v supervisord >/dev/null || missing+=(supervisor)
command -v systemd-socket-activate >/dev/null || missing+=(systemd)
command -v apache2 >/dev/null || [ -x /usr/sbin/apache2 ] || missing+=(apache2-bin)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "install_deploy_servers: no apt-get here; install ${missing[*]} with this system's" \
    "package manager." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install_deploy_servers: ${missing[*]} missing and not root: run" \
      "'apt-get install ${missing[*]}' as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# The packages' services must not start (nginx would take port 80): where no policy says so
# already, a temporary policy-rc.d refuses every service start during the installation.
policy=/usr/sbin/policy-rc.d
own_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  own_policy=1
fi
cleanup() { [ -z "$own_policy" ] || $SUDO rm -f "$policy"; }
trap cleanup EXIT
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}"

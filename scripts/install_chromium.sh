#!/usr/bin/env bash
# Installs headless Chromium (the Debian package `chromium`) for the real-browser tests of the
# tutorials (tests/examples/tutorials_browser_test.ts), when it is missing. The tests start
# their own private browser (a fresh profile, DevTools on an ephemeral port) and skip with one
# line where none can start.
#
#     scripts/install_chromium.sh        # needs root (or sudo) and apt-get
set -euo pipefail

for name in chromium chromium-browser google-chrome; do
  command -v "$name" >/dev/null && exit 0
done

if ! command -v apt-get >/dev/null; then
  echo "install_chromium: no apt-get here; install Chromium with this system's package" \
    "manager (or set CHROMIUM to its path)." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "install_chromium: chromium missing and not root: run 'apt-get install chromium'" \
      "as root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends chromium

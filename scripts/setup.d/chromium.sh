#!/usr/bin/env bash
# Debian Chromium for the report checks that open the Allure HTML (tests/reporting).
# Never fails the setup: without Chromium those checks skip and say why.
set -u

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium: present at $CHROMIUM ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "chromium: skipped, $CHROMIUM missing and neither root nor sudo is available (install with: apt-get install -y chromium)"
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo -n"

log=$(mktemp)
if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >"$log" 2>&1 \
  || { $SUDO apt-get update >>"$log" 2>&1 && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >>"$log" 2>&1; }; then
  echo "chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "at $CHROMIUM")"
else
  echo "chromium: install failed, report HTML checks will skip; last apt output: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
rm -f "$log"
exit 0

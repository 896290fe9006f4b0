#!/usr/bin/env bash
# Debian's CPU torch for the Genie checks against real torch (tests/genie/torch-format.spec.ts
# cross-checks the native torch.save codec; tests/genie/*torch-server* run the torch server).
# The client wire itself needs no Python. Never fails the setup: without torch those checks
# skip and say why.
set -u

have_torch() { /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; }

if have_torch; then
  echo "python3-torch: present ($(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)' 2>/dev/null))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "python3-torch: skipped, torch missing and neither root nor sudo is available (install with: apt-get install -y python3-torch)"
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo -n"

log=$(mktemp)
if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-torch >"$log" 2>&1 \
  || { $SUDO apt-get update >>"$log" 2>&1 && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-torch >>"$log" 2>&1; }; then
  echo "python3-torch: installed ($(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)' 2>/dev/null || echo 'import failed'))"
else
  echo "python3-torch: install failed, the torch cross-checks will skip; last apt output: $(tail -n 3 "$log" | tr '\n' ' ')"
fi
rm -f "$log"
exit 0

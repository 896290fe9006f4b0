#!/usr/bin/env bash
# Idempotent bootstrap: node modules, service binaries, then every scripts/setup.d/*.sh in name order.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }

# node_modules/.package-lock.json is npm's record of what is installed; compare it with the lockfile.
modules_current() {
  node -e '
    const fs = require("fs");
    const want = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
    const have = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages;
    for (const [path, pkg] of Object.entries(want)) {
      if (path === "" || pkg.optional || pkg.peer) continue;
      if (have[path]?.version !== pkg.version) { console.error(`${path}: want ${pkg.version}, have ${have[path]?.version}`); process.exit(1); }
    }' 2>/dev/null
}

if [ -f node_modules/.package-lock.json ] && modules_current; then
  say "node_modules matches package-lock.json"
else
  say "node_modules missing or stale: npm ci"
  npm ci --no-audit --no-fund
fi

have_binary() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]
}

missing=()
have_binary nats-server || missing+=(nats-server)
have_binary etcd || missing+=(etcd-server)
if [ ${#missing[@]} -eq 0 ]; then
  say "nats-server and etcd present"
else
  if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); elif sudo -n true 2>/dev/null; then apt=(sudo -n apt-get); else apt=(); fi
  if [ ${#apt[@]} -eq 0 ]; then
    echo "setup: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  say "installing ${missing[*]} with apt-get"
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "${missing[@]}" || {
    echo "setup: apt-get install ${missing[*]} failed; install them by hand (Debian/Ubuntu packages nats-server, etcd-server)" >&2
    exit 1
  }
fi

if [ -d scripts/setup.d ]; then
  for hook in scripts/setup.d/*.sh; do
    [ -e "$hook" ] || continue
    bash "$hook"
  done
fi

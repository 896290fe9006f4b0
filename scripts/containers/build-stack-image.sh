#!/usr/bin/env bash
# Builds servewright/node:local without a registry: `docker import` of a rootfs holding this
# machine's node binary (at the same path) and the libraries ldd lists. The container units
# backend (STACK_UNITS=container) runs the reference stack's bundles in it, bind-mounting the
# checkout and its node_modules read-only at their host paths, so the image stays valid when
# global setup rebuilds the bundles. Needs DOCKER_HOST (or a default socket).
set -euo pipefail

NODE_BIN=${NODE_BIN:-$(command -v node)}
[[ -x "$NODE_BIN" ]] || { echo "images: node not found" >&2; exit 1; }
NODE_BIN=$(readlink -f "$NODE_BIN")

work=$(mktemp -d "${TMPDIR:-/tmp}/servewright-rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/node"
mkdir -p "$rootfs/etc" "$rootfs/tmp" "$(dirname "$rootfs$NODE_BIN")"
chmod 1777 "$rootfs/tmp"
echo 'root:x:0:0:root:/root:/sbin/nologin' > "$rootfs/etc/passwd"
echo 'root:x:0:' > "$rootfs/etc/group"
cp -L "$NODE_BIN" "$rootfs$NODE_BIN"
for lib in $(ldd "$NODE_BIN" 2>/dev/null | grep -oE '/[^ ]+' || true); do
  cp -L --parents "$lib" "$rootfs"
done
tar -C "$rootfs" -c . | docker import --change "ENTRYPOINT [\"$NODE_BIN\"]" - servewright/node:local >/dev/null
echo "images: built servewright/node:local ($(du -sh "$rootfs" | cut -f1), node at $NODE_BIN)"

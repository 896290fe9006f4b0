#!/usr/bin/env bash
# Builds servewright/node:local without a registry: `docker import` of a rootfs holding this
# machine's node binary (at the same path) and the libraries ldd lists. The container units
# backend (STACK_UNITS=container) runs the reference stack's bundles, the mock Genie server and
# GENIE_CMD templates (with /bin/sh) in it, bind-mounting the checkout and its node_modules
# read-only at their host paths, so the image stays valid when global setup rebuilds the
# bundles. Needs DOCKER_HOST (or a default socket).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=rootfs.sh
source "$here/rootfs.sh"

NODE_BIN=${NODE_BIN:-$(command -v node)}
[[ -x "$NODE_BIN" ]] || { echo "images: node not found" >&2; exit 1; }
NODE_BIN=$(readlink -f "$NODE_BIN")

work=$(mktemp -d "${TMPDIR:-/tmp}/servewright-rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/node"
base_rootfs "$rootfs"
install_binary "$rootfs" "$NODE_BIN" "$NODE_BIN"
# GENIE_CMD templates run with /bin/sh -c.
install_binary "$rootfs" "$(readlink -f /bin/sh)" /bin/sh
import_image "$rootfs" servewright/node:local --change "ENTRYPOINT [\"$NODE_BIN\"]"

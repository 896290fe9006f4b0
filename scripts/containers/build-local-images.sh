#!/usr/bin/env bash
# Builds servewright/nats:local and servewright/etcd:local without a registry: `docker import`
# of a rootfs holding the Debian nats-server/etcd binaries and the shared libraries ldd lists.
# Paths and entrypoints mirror the official images (nats: ENTRYPOINT /nats-server; etcd:
# /usr/local/bin/etcd), so the container provider passes the same command to either.
# Needs DOCKER_HOST (or a default socket) pointing at a running engine.
set -euo pipefail

NATS_BIN=${NATS_BIN:-/usr/sbin/nats-server}
ETCD_BIN=${ETCD_BIN:-/usr/bin/etcd}
for bin in "$NATS_BIN" "$ETCD_BIN"; do
  [[ -x "$bin" ]] || { echo "images: $bin not found (apt-get install nats-server etcd-server)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/servewright-rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Copies binary $1 to $rootfs$2 with every library the dynamic loader needs (none for a static
# binary), dereferencing symlinks so the image needs no /usr merge layout.
install_binary() {
  local rootfs=$1 bin=$2 target=$3 libs
  mkdir -p "$rootfs$(dirname "$target")"
  cp -L "$bin" "$rootfs$target"
  libs=$(ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+' || true)
  for lib in $libs; do
    cp -L --parents "$lib" "$rootfs"
  done
}

base_rootfs() {
  local rootfs=$1
  mkdir -p "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  echo 'root:x:0:0:root:/root:/sbin/nologin' > "$rootfs/etc/passwd"
  echo 'root:x:0:' > "$rootfs/etc/group"
}

import_image() {
  local rootfs=$1 tag=$2
  shift 2
  tar -C "$rootfs" -c . | docker import "$@" - "$tag" >/dev/null
  echo "images: built $tag ($(du -sh "$rootfs" | cut -f1))"
}

nats="$work/nats"
base_rootfs "$nats"
install_binary "$nats" "$NATS_BIN" /nats-server
import_image "$nats" servewright/nats:local \
  --change 'ENTRYPOINT ["/nats-server"]' --change 'EXPOSE 4222 6222 8222'

etcd="$work/etcd"
base_rootfs "$etcd"
mkdir -p "$etcd/var/lib/etcd"
install_binary "$etcd" "$ETCD_BIN" /usr/local/bin/etcd
import_image "$etcd" servewright/etcd:local \
  --change 'CMD ["/usr/local/bin/etcd"]' --change 'WORKDIR /var/lib/etcd' --change 'EXPOSE 2379 2380'

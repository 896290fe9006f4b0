#!/usr/bin/env bash
# Builds servewright/nats:local and servewright/etcd:local without a registry: `docker import`
# of a rootfs holding the Debian nats-server/etcd binaries and the shared libraries ldd lists.
# Paths and entrypoints mirror the official images (nats: ENTRYPOINT /nats-server; etcd:
# /usr/local/bin/etcd), so the container provider passes the same command to either.
# Needs DOCKER_HOST (or a default socket) pointing at a running engine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=rootfs.sh
source "$here/rootfs.sh"

NATS_BIN=${NATS_BIN:-/usr/sbin/nats-server}
ETCD_BIN=${ETCD_BIN:-/usr/bin/etcd}
for bin in "$NATS_BIN" "$ETCD_BIN"; do
  [[ -x "$bin" ]] || { echo "images: $bin not found (apt-get install nats-server etcd-server)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/servewright-rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT

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

# Shared by the build-*-image.sh scripts: images built offline with `docker import` of a
# rootfs holding host binaries and the shared libraries ldd lists (no registry here).

# A rootfs with root in /etc/passwd and a world-writable /tmp.
base_rootfs() {
  local rootfs=$1
  mkdir -p "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  echo 'root:x:0:0:root:/root:/sbin/nologin' > "$rootfs/etc/passwd"
  echo 'root:x:0:' > "$rootfs/etc/group"
}

# Copies binary $2 to $rootfs$3 with every library the dynamic loader needs (none for a static
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

# Imports rootfs $1 as image $2; further arguments go to docker import (--change ...).
import_image() {
  local rootfs=$1 tag=$2
  shift 2
  tar -C "$rootfs" -c . | docker import "$@" - "$tag" >/dev/null
  echo "images: built $tag ($(du -sh "$rootfs" | cut -f1))"
}

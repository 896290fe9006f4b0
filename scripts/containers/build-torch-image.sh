#!/usr/bin/env bash
# Builds servewright/python-torch:local without a registry, for the Genie torch server
# (stack/genie/torch_server.py) as a container unit: `docker import` of a rootfs holding the
# host Python that imports torch (Debian's python3-torch), at its host path, plus /bin/sh for
# GENIE_CMD templates. Python's own files stay on the host: the image's label
# servewright.host-mounts names the directories the container units backend mounts read-only
# at run time (sys.path, the directories ldd finds torch's libraries in, and
# /etc/alternatives, where Debian's BLAS/LAPACK links point). Exits 0 saying why when no
# Python here has torch: the torch specs skip then too. Needs DOCKER_HOST (or a default socket).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=rootfs.sh
source "$here/rootfs.sh"

PYTHON=${GENIE_PYTHON:-/usr/bin/python3}
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "images: servewright/python-torch:local not built: $PYTHON cannot import torch (apt-get install python3-torch)"
  exit 0
fi
mounts=$("$PYTHON" - <<'PY'
import os, subprocess, sys, torch._C
dirs = [p for p in sys.path if p and os.path.isdir(p)] + ['/etc/alternatives']
# Where the dynamic loader finds torch's libraries (Debian puts some in /usr/lib itself).
ldd = subprocess.run(['ldd', torch._C.__file__], capture_output=True, text=True, check=True).stdout
dirs += [os.path.dirname(w) for w in ldd.split() if w.startswith('/')]
dirs = sorted({os.path.realpath(d) for d in dirs if os.path.isdir(d)})
# A directory under another listed one comes with it.
print(':'.join(d for d in dirs if not any(d.startswith(o + '/') for o in dirs)))
PY
)

work=$(mktemp -d "${TMPDIR:-/tmp}/servewright-rootfs.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/python"
base_rootfs "$rootfs"
real=$(readlink -f "$PYTHON")
install_binary "$rootfs" "$real" "$real"
[[ "$PYTHON" == "$real" ]] || ln -s "$real" "$rootfs$PYTHON"
install_binary "$rootfs" "$(readlink -f /bin/sh)" /bin/sh
import_image "$rootfs" servewright/python-torch:local \
  --change "ENTRYPOINT [\"$PYTHON\"]" --change "LABEL servewright.host-mounts=$mounts"

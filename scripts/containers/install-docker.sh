#!/usr/bin/env bash
# Installs Debian's docker.io (dockerd, containerd, runc, docker-proxy) when dockerd is missing.
# Idempotent; prints one line saying what it did.
set -euo pipefail

if command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; then
  echo "docker: dockerd already installed ($(dockerd --version))"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "docker: dockerd missing; install it as root with: apt-get install docker.io" >&2
  exit 1
fi
# Other engineers' setup may hold the dpkg lock; wait for it instead of failing.
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
apt-get -o DPkg::Lock::Timeout=300 install -y -qq docker.io >/dev/null
echo "docker: installed docker.io ($(dockerd --version))"

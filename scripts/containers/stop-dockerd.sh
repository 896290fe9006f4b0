#!/usr/bin/env bash
# Stops the dockerd started by start-dockerd.sh in state dir $1 (by its pid). Removes its
# containers first so no container process outlives it, then deletes its bridge and state dir.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=dockerd-state.sh
source "$here/dockerd-state.sh"

dir=${1:?usage: stop-dockerd.sh <state dir printed by start-dockerd.sh>}
[[ "$dir" == "$SW_DOCKERD_PREFIX"* ]] || { echo "dockerd: $dir is not a state dir of start-dockerd.sh" >&2; exit 1; }
[[ -d "$dir" ]] || exit 0

pid=$(cat "$dir/dockerd.pid" 2>/dev/null || true)
if sw_pid_alive "$pid"; then
  export DOCKER_HOST="unix://$dir/docker.sock"
  ids=$(docker ps -aq 2>/dev/null || true)
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086
    docker rm -f $ids >/dev/null 2>&1 || true
  fi
  sw_stop_pid "$pid"
fi
sw_remove_state "$dir"

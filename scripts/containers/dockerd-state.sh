# Shared by start-dockerd.sh and stop-dockerd.sh: where a private dockerd keeps its state.
# A state dir holds data/ (images, containers), exec/ (runtime state), docker.sock,
# dockerd.pid, dockerd.log, bridge (name of the bridge created for it) and env.

SW_DOCKERD_PREFIX="${TMPDIR:-/tmp}/servewright-dockerd."

# Unmounts whatever a dockerd killed without its teardown left mounted under $1
# (overlay layers, netns), deepest first, so the dir can be removed.
sw_unmount_under() {
  local dir=$1
  awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
}

# A dockerd killed without its teardown (SIGKILL, a killed CI job) takes containerd with it,
# but each container's shim and processes live on. They were started by this tooling, so end
# them by the pids containerd recorded: each container's init.pid and that process's parent,
# the shim, once the shim's command line shows it belongs to this state dir.
sw_kill_orphans() {
  local dir=$1 init shim
  for pidfile in "$dir"/exec/containerd/daemon/io.containerd.runtime.v2.task/*/*/init.pid; do
    [[ -f "$pidfile" ]] || continue
    init=$(cat "$pidfile")
    sw_pid_alive "$init" || continue
    shim=$(awk '{ print $4 }' "/proc/$init/stat" 2>/dev/null || true)
    [[ -n "$shim" ]] && tr '\0' ' ' < "/proc/$shim/cmdline" 2>/dev/null | grep -qF -- "$dir/exec/containerd/" || continue
    kill -KILL "$init" "$shim" 2>/dev/null || true
    echo "dockerd: ended container process $init and its shim $shim left by a killed dockerd ($dir)" >&2
  done
}

# Removes the bridge and the state dir of a dockerd that is no longer running.
sw_remove_state() {
  local dir=$1
  sw_kill_orphans "$dir"
  if [[ -f "$dir/bridge" ]]; then
    ip link delete "$(cat "$dir/bridge")" 2>/dev/null || true
  fi
  sw_unmount_under "$dir"
  rm -rf "$dir"
}

# Alive means running: a zombie (dead, not yet reaped by its new parent) is not.
sw_pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null && [[ $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) != Z ]]
}

# Ends dockerd $1 (a pid this tooling started): SIGTERM, then SIGKILL after 20 s.
sw_stop_pid() {
  local pid=$1 deadline=$((SECONDS + 20))
  sw_pid_alive "$pid" || return 0
  kill -TERM "$pid"
  while sw_pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
  if sw_pid_alive "$pid"; then
    echo "dockerd: pid $pid ignored SIGTERM for 20 s; sending SIGKILL" >&2
    kill -KILL "$pid"
    while sw_pid_alive "$pid"; do sleep 0.1; done
  fi
}

#!/usr/bin/env bash
# Starts a private dockerd whose whole state lives in a fresh temp dir, so it touches neither
# /var/lib/docker nor the host firewall: no iptables rules, no ip forwarding, its own bridge,
# published ports on 127.0.0.1 only. Prints the state dir on stdout; `source <dir>/env` gives
# DOCKER_HOST and the Testcontainers settings. Stop it with stop-dockerd.sh <dir>.
# Exits 1 with the reason on stderr when dockerd cannot start here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=dockerd-state.sh
source "$here/dockerd-state.sh"

fail() { echo "dockerd: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (it creates a network bridge)"
command -v dockerd >/dev/null || fail "dockerd not installed (run scripts/containers/install-docker.sh)"
command -v ip >/dev/null || fail "ip not installed (apt-get install iproute2)"

# A run that was killed leaves its state dir behind; a dir whose dockerd is gone is garbage.
# One without a pidfile may be a run that is starting right now, so only old ones count.
for stale in "$SW_DOCKERD_PREFIX"*; do
  [[ -d "$stale" ]] || continue
  if [[ -f "$stale/dockerd.pid" ]]; then
    sw_pid_alive "$(cat "$stale/dockerd.pid")" && continue
  elif [[ -z $(find "$stale" -maxdepth 0 -mmin +2) ]]; then
    continue
  fi
  sw_remove_state "$stale"
  echo "dockerd: removed state of a dead earlier run: $stale" >&2
done

dir=$(mktemp -d "${SW_DOCKERD_PREFIX}XXXXXX")
started=0
pid=""
cleanup_on_failure() {
  if [[ $started -eq 0 ]]; then
    sw_stop_pid "$pid"
    sw_remove_state "$dir"
  fi
}
trap cleanup_on_failure EXIT

# Own bridge per daemon: two private daemons never fight over docker0, and nothing is left
# configured on the host after stop-dockerd.sh deletes it.
bridge="swbr$(basename "$dir" | tail -c 7 | tr 'A-Z' 'a-z')"
subnet=""
for _ in $(seq 1 20); do
  candidate="10.254.$((RANDOM % 250 + 1))"
  if ! ip -o -4 addr show | grep -q " $candidate\."; then subnet=$candidate; break; fi
done
[[ -n "$subnet" ]] || fail "no free 10.254.x.0/24 subnet for the bridge"
ip link add "$bridge" type bridge || fail "cannot create bridge $bridge (no CAP_NET_ADMIN?)"
echo "$bridge" > "$dir/bridge"
ip addr add "$subnet.1/24" dev "$bridge"
ip link set "$bridge" up

sock="$dir/docker.sock"
dockerd \
  --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
  -H "unix://$sock" --bridge "$bridge" --ip 127.0.0.1 \
  --iptables=false --ip-forward=false --ip-masq=false --log-level warn \
  > "$dir/dockerd.log" 2>&1 < /dev/null &
pid=$!

deadline=$((SECONDS + 60))
until DOCKER_HOST="unix://$sock" docker version >/dev/null 2>&1; do
  if ! sw_pid_alive "$pid"; then
    fail "dockerd exited during start: $(tail -n 5 "$dir/dockerd.log" | tr '\n' ' ')"
  fi
  ((SECONDS < deadline)) || fail "dockerd did not answer on $sock within 60 s: $(tail -n 5 "$dir/dockerd.log" | tr '\n' ' ')"
  sleep 0.2
done

cat > "$dir/env" <<ENV
export DOCKER_HOST=unix://$sock
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
ENV
started=1
echo "$dir"

#!/usr/bin/env bash
# `npm run test:containers`: runs the framework service specs under SERVICES=container, the
# fault-tolerance folder and the Genie suite with every stack unit and Genie server in a
# container (STACK_UNITS=container), and the external backend against a deployment of
# containers the specs bring up and describe by file, against a private dockerd it starts and
# stops itself (start-dockerd.sh), with NATS/etcd/node/torch images built offline
# (build-local-images.sh, build-stack-image.sh, build-torch-image.sh). Extra arguments go to playwright.
# With --skip-if-unavailable (used by .ci/run), a machine where dockerd cannot run prints
# "container suite: SKIPPED: <reason>" and exits 0 instead of failing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

skip_if_unavailable=0
if [[ ${1:-} == --skip-if-unavailable ]]; then
  skip_if_unavailable=1
  shift
fi

unavailable() {
  if ((skip_if_unavailable)); then
    echo "container suite: SKIPPED: $*"
    exit 0
  fi
  echo "container suite: cannot run: $*" >&2
  exit 1
}

began=$SECONDS
errors=$(mktemp)
output=$(mktemp)
trap 'rm -f "$errors" "$output"' EXIT
"$here/install-docker.sh" 2>"$errors" || unavailable "docker.io not installable: $(tr '\n' ' ' < "$errors")"
dir=$("$here/start-dockerd.sh" 2>"$errors") || unavailable "$(tr '\n' ' ' < "$errors")"
cat "$errors" >&2
trap 'rm -f "$errors" "$output"; "$here/stop-dockerd.sh" "$dir"' EXIT
trap 'exit 130' INT TERM
# shellcheck disable=SC1091
source "$dir/env"
"$here/build-local-images.sh"
"$here/build-stack-image.sh"
"$here/build-torch-image.sh"
echo "container suite: dockerd and images ready in $((SECONDS - began)) s ($DOCKER_HOST)"

export SERVICES=container
export SERVEWRIGHT_REPORTS_DIR=${SERVEWRIGHT_REPORTS_DIR:-reports/containers}
export NATS_IMAGE=${NATS_IMAGE:-servewright/nats:local}
export ETCD_IMAGE=${ETCD_IMAGE:-servewright/etcd:local}
export STACK_UNITS=container
export EXTERNAL_DEPLOYMENT_UNITS=container
cd "$root"
# The default project only: the dynamo-stand-in project's engines are host scripts.
status=0
npx playwright test --project=default tests/framework/services tests/framework/container- tests/framework/units-container \
  tests/fault-tolerance tests/genie tests/external "$@" 2>&1 | tee "$output" || status=$?

# Nothing of ours may be left on the engine, and global teardown must not have had to remove a
# leak (it removes what a test left and says so: the run is clean, but a fixture leaked).
left=$(docker ps -a --filter label=servewright.owner --format '{{.ID}} {{.Image}} {{.Status}} {{.Label "servewright.unit"}}')
if [[ -n "$left" ]]; then
  echo "container suite: containers of ours left after the run:"
  echo "$left"
  status=1
fi
if grep -q 'left by this run' "$output"; then
  echo "container suite: global teardown removed containers a test leaked (see 'left by this run' above)"
  status=1
fi
echo "container suite: done in $((SECONDS - began)) s"
exit "$status"

#!/usr/bin/env bash
# Container provider costs on this machine: private dockerd start, offline image build,
# NATS+etcd containers up and healthy (containerProvider.start), and their removal.
# Usage: bash scripts/bench/containers.sh [runs, default 5]. Needs root (see scripts/containers/).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
here=scripts/containers

ms() { date +%s%3N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

bash "$here/install-docker.sh"
starts=() builds=()
for _ in $(seq 1 "$runs"); do
  t0=$(ms); dir=$("$here/start-dockerd.sh"); t1=$(ms)
  (source "$dir/env" && "$here/build-local-images.sh" >/dev/null); t2=$(ms)
  starts+=($((t1 - t0))); builds+=($((t2 - t1)))
  "$here/stop-dockerd.sh" "$dir"
done

dir=$("$here/start-dockerd.sh")
trap '"$here/stop-dockerd.sh" "$dir"' EXIT
source "$dir/env"
"$here/build-local-images.sh" >/dev/null
provider=$(NATS_IMAGE=servewright/nats:local ETCD_IMAGE=servewright/etcd:local RUNS=$runs \
  node --import tsx --input-type=module -e "
    import { containerProvider } from './fixtures/services/container-provider.ts';
    import { PortAllocator } from './fixtures/ports/port-allocator.ts';
    const ports = new PortAllocator();
    for (let i = 0; i < Number(process.env.RUNS); i++) {
      const t0 = performance.now();
      const s = await containerProvider.start({ logDir: '$dir/bench-logs', ports });
      const t1 = performance.now();
      await s.dispose();
      console.log(Math.round(t1 - t0), Math.round(performance.now() - t1));
    }
    await ports.releaseAll();
  ")

echo "runs: $runs (medians, ms; $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg))"
echo "dockerd start:           $(printf '%s\n' "${starts[@]}" | median)"
echo "local images build:      $(printf '%s\n' "${builds[@]}" | median)"
echo "NATS+etcd healthy:       $(echo "$provider" | cut -d' ' -f1 | median)"
echo "NATS+etcd removed:       $(echo "$provider" | cut -d' ' -f2 | median)"

// A profile the team defines for its own engine: the bundled reference stack's frontend,
// log lines and metrics, with every worker started through the team's launcher script.
import { join } from 'node:path';
import { defineProfile, profileDefinition } from 'servewright';

const LAUNCHER = join(process.cwd(), 'bin', 'my-engine-worker.sh');
const reference = profileDefinition('reference');

export const myEngine = defineProfile({
  ...reference,
  name: 'my-engine',
  description: 'reference workers started by the team launcher',
  build: (contract) => {
    const behaviour = reference.build(contract);
    return {
      ...behaviour,
      worker: (ctx, opts) => {
        // The launcher execs node itself: it takes the reference worker's arguments.
        const spec = behaviour.worker(ctx, opts);
        return { ...spec, command: LAUNCHER };
      },
    };
  },
});

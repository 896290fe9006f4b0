// `npm run capabilities`: what this machine offers the real-engine profiles (GPUs, Python
// engines and their installed versions), which engine contract each profile follows here,
// and which profiles can run, or why each one's specs will skip.

import { detectModules, detectCapabilities } from '../fixtures/capabilities/detect.ts';
import { unmetRequirement } from '../fixtures/capabilities/requirements.ts';
import { profileDefinition, profileNames, resolveProfile } from '../fixtures/stack/profiles/index.ts';
import { type Capability } from '../fixtures/stack/profile.ts';

const CAPABILITIES: Capability[] = ['migration', 'disaggregation', 'slowPrefill', 'engineMetrics', 'cancellationMetric', 'workerCancellationMetric', 'decodeFallback', 'etcdRestart', 'etcdFailover', 'natsRestart'];

let machine = await detectCapabilities();
for (const name of profileNames()) machine = await detectModules(profileDefinition(name).requires.python ?? [], process.env, machine);

console.log(`GPUs: ${machine.gpus.reason}`);
for (const [module, probe] of Object.entries(machine.python)) {
  console.log(`python module ${module}: ${probe.ok ? `installed, ${probe.detail}` : probe.detail}`);
}
for (const name of profileNames()) {
  const { profile, unavailable } = resolveProfile(name, machine);
  const contract = profile.contract ? `contract ${profile.contract.id}${profile.contract.note ? ` (${profile.contract.note})` : ''}` : 'no engine contract';
  const unmet = unmetRequirement(machine, profile.requires) ?? unavailable;
  console.log(`\nprofile ${name}: ${contract}`);
  console.log(`  ${unmet === undefined ? 'runnable (model files are checked per spec)' : `every spec skips: ${unmet}`}`);
  for (const cap of CAPABILITIES) {
    const has = profile.capabilities[cap];
    if (has !== true) console.log(`  checks needing ${cap} skip: ${has}`);
  }
}

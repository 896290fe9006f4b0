// `npm run capabilities`: what this machine offers the real-engine profiles (GPUs, Python
// engines), as the test run will see it, and which profiles can run here and why not.

import { detectCapabilities } from '../fixtures/capabilities/detect.ts';
import { unmetRequirement } from '../fixtures/capabilities/requirements.ts';
import { profileByName, profileNames } from '../fixtures/stack/profiles/index.ts';

const capabilities = await detectCapabilities();
console.log(JSON.stringify(capabilities, null, 2));
for (const name of profileNames()) {
  const unmet = unmetRequirement(capabilities, profileByName(name).requires);
  console.log(`profile ${name}: ${unmet === undefined ? 'runnable (model files are checked per spec)' : `skips: ${unmet}`}`);
}

// A package-lock.json for a throwaway project that installs our packed tarball, built from
// this checkout's lock: `npm ci` keeps only tarballs in the npm cache, not the registry
// metadata `npm install` resolves versions with, so `npm install --offline` fails with
// ENOTCACHED where `npm ci --offline` on this lock finds every tarball by its integrity.

export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  optional?: boolean;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [field: string]: unknown;
}

export interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/** Where Node finds `name` from the package at `from` (a lock path, '' for the root): its own node_modules, then each parent's. */
function locate(lock: Lockfile, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

/** Every package `roots` need, transitively (peers included, missing optional ones left out), as lock paths. */
export function closure(lock: Lockfile, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (from: string, names: Iterable<[string, boolean]>): void => {
    for (const [name, optional] of names) {
      const path = locate(lock, from, name);
      if (path === undefined) {
        if (optional) continue;
        throw new Error(`offline lock: ${name}, needed by ${from === '' ? 'the project' : from}, is not in the lock`);
      }
      if (seen.has(path)) continue;
      seen.add(path);
      const e = lock.packages[path]!;
      visit(path, [
        ...Object.keys(e.dependencies ?? {}).map((n): [string, boolean] => [n, false]),
        ...Object.keys(e.optionalDependencies ?? {}).map((n): [string, boolean] => [n, true]),
        ...Object.keys(e.peerDependencies ?? {}).map((n): [string, boolean] => [n, e.peerDependenciesMeta?.[n]?.optional === true]),
      ]);
    }
  };
  visit('', roots.map((n) => [n, false]));
  return [...seen].sort();
}

export interface TarballPackage {
  name: string;
  version: string;
  /** `file:<tarball>` relative to the project, as package.json names it. */
  spec: string;
  integrity: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  /** Its commands: `npm ci` links node_modules/.bin from the lock entry, not from the tarball. */
  bin?: Record<string, string>;
}

/**
 * The lock of a project whose devDependencies are `pkg` (a packed tarball) and its peers at
 * the versions this checkout's lock pins, every other package copied from `from`.
 */
export function offlineLock(from: Lockfile, project: string, pkg: TarballPackage): { lock: Lockfile; devDependencies: Record<string, string> } {
  const peers = Object.fromEntries(Object.keys(pkg.peerDependencies).map((name) => [name, from.packages[`node_modules/${name}`]?.version ?? pkg.peerDependencies[name]!]));
  const devDependencies = { [pkg.name]: pkg.spec, ...peers };
  const packages: Record<string, LockEntry> = {
    '': { name: project, devDependencies },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: pkg.spec,
      integrity: pkg.integrity,
      dev: true,
      dependencies: pkg.dependencies,
      peerDependencies: pkg.peerDependencies,
      ...(pkg.bin ? { bin: pkg.bin } : {}),
    },
  };
  for (const path of closure(from, [...Object.keys(pkg.dependencies), ...Object.keys(peers)])) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = from.packages[path]!;
    packages[path] = { ...entry, dev: true };
  }
  return { lock: { name: project, version: '0.0.0', lockfileVersion: from.lockfileVersion, requires: true, packages } as Lockfile, devDependencies };
}

// Capability detection asks `python3 -c <code>` to import a module and print its
// distribution's version (fixtures/capabilities/detect.ts); a stand-in python3 answers with
// the version of what it impersonates, or with the import error a missing module gives.

/** Answers the probe in `code`: `versionOf(module)`, or ModuleNotFoundError (exit 1) when undefined. */
export function answerImportProbe(code: string, versionOf: (module: string) => string | undefined): void {
  const module = /import_module\("([^"]+)"\)/.exec(code)?.[1];
  const version = module === undefined ? undefined : versionOf(module);
  if (version === undefined) {
    process.stderr.write(`ModuleNotFoundError: No module named '${module ?? code}'\n`);
    process.exit(1);
  }
  process.stdout.write(`${version}\n`);
}

// One line per event on stdout, timestamped; specs grep these lines by exact phrases.

export type Log = (line: string) => void;

export const log: Log = (line) => {
  process.stdout.write(`${new Date().toISOString()} frontend: ${line}\n`);
};

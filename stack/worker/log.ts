// One line per event on stdout with an ISO timestamp, as vLLM and Dynamo log; specs
// grep these lines, so the message text after the level is the stable part.

export interface Logger {
  info(line: string): void;
  error(line: string): void;
}

export const stdoutLogger: Logger = {
  info: (line) => process.stdout.write(`${new Date().toISOString()} INFO ${line}\n`),
  error: (line) => process.stdout.write(`${new Date().toISOString()} ERROR ${line}\n`),
};

// CLI errors carry their exit code: 2 is "could not tell" (bad usage, unreachable server, refusal).
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const usageError = (message: string, usage: string) => new CliError(`${message}\n\nUsage: ${usage}`, 2);

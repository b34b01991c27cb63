// CLI errors carry their exit code; everything else is a bug and exits 2.
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const usageError = (message: string, usage: string) => new CliError(`${message}\n\nUsage: ${usage}`, 2);

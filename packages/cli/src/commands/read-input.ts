import { readFile } from "node:fs/promises";
import { CliError } from "../errors";

export async function readInput(file: string, what = ""): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? (error as Error).message);
    throw new CliError(`cannot read ${what}${file}: ${why}`);
  }
}

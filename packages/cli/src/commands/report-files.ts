// Which files `shipcheck report` posts: each argument is a file, or a glob (Surefire writes one
// report per class: target/surefire-reports/TEST-*.xml). A glob that matches nothing is an error,
// so a misspelled path never passes as "nothing to report".
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { isDynamicPattern, glob } from "tinyglobby";
import { CliError } from "../errors";

export type ReportFile = { file: string; fromGlob: boolean };

export async function reportFiles(args: string[], cwd = process.cwd()): Promise<ReportFile[]> {
  const files: ReportFile[] = [];
  for (const arg of args) {
    // A name that exists is taken as it is, even if it has glob characters ("report[1].xml").
    const exists = await stat(resolve(cwd, arg)).then((s) => s.isFile(), () => false);
    if (exists || !isDynamicPattern(arg)) {
      files.push({ file: arg, fromGlob: false });
      continue;
    }
    // An absolute pattern gives absolute names (not "../../builds/…"), a relative one relative names.
    const matched = (await glob(arg, { cwd, onlyFiles: true, expandDirectories: false, absolute: isAbsolute(arg) })).sort();
    if (matched.length === 0) throw new CliError(`no file matches ${arg}`);
    files.push(...matched.map((file) => ({ file, fromGlob: true })));
  }
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(f.file) && Boolean(seen.add(f.file)));
}

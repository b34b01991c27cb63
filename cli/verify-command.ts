// `shipcheck verify pack.json`: checks an evidence pack offline. Exit 0 when its audit chain is
// intact, its template matches its digest and its sign-offs match the events that recorded them;
// 1 when something was altered (naming the first broken link); 2 when the file can't be read or
// isn't an evidence pack. Needs no server and no database: only the pack and lib/audit's rules.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { verifyPack } from "@/lib/audit/pack";
import { CliError, usageError } from "./output";

export const VERIFY_USAGE = "shipcheck verify <evidence-pack.json>";

export async function verify(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const file = positionals[0];
  if (!file) throw usageError("name the evidence pack to check", VERIFY_USAGE);
  if (positionals.length > 1) throw usageError(`one evidence pack per command (got ${positionals.length})`, VERIFY_USAGE);

  const verdict = verifyPack(parseJson(await readPack(file), file));
  if (verdict.status === "invalid") {
    throw new CliError(`${file} is not a valid evidence pack:\n${verdict.issues.map((i) => `  ${i}`).join("\n")}`);
  }
  const { pack, chain, template } = verdict;
  console.log(`Evidence pack of ${pack.project.slug} ${pack.release.version} (commit ${pack.release.commit.slice(0, 12)}), generated ${pack.generatedAt} by ${pack.generatedBy}`);
  if (chain.ok) {
    console.log(`Chain intact: ${chain.events} event${chain.events === 1 ? "" : "s"}${chain.chains > 1 ? ` in ${chain.chains} chains` : ""}`);
  } else {
    console.log(`Chain BROKEN: ${chain.broken.message}`);
  }
  if (template.ok) {
    console.log(`Template ${pack.template.name} v${pack.template.version}: definition matches its digest ${template.expected.slice(0, 12)}`);
  } else {
    console.log(`Template ${pack.template.name} v${pack.template.version} ALTERED: its definition hashes to ${template.actual.slice(0, 12)}, not the recorded digest ${template.expected.slice(0, 12)}`);
  }
  const signOffs = verdict.signOffs;
  if (signOffs.length === 0) {
    console.log(`Sign-offs: ${pack.signOffs.length} match${pack.signOffs.length === 1 ? "es" : ""} the audit events that recorded them`);
  } else {
    console.log(`Sign-offs ALTERED: ${signOffs.length} disagreement${signOffs.length === 1 ? "" : "s"} with the audit trail`);
    for (const line of signOffs.slice(0, 10)) console.log(`  ✗ ${line}`);
    if (signOffs.length > 10) console.log(`  … and ${signOffs.length - 10} more`);
  }
  if (verdict.ok) console.log("The other sections (results, metrics, gates, …) are the server's snapshot at generatedAt; the chain proves the audit trail.");
  return verdict.ok ? 0 : 1;
}

async function readPack(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (code ?? (error as Error).message)}`);
  }
}

function parseJson(text: string, file: string): unknown {
  if (text.trim() === "") throw new CliError(`${file} is empty, not an evidence pack`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON, so not an evidence pack: ${(error as Error).message}`);
  }
}

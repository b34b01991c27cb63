// `shipcheck verify pack.json --key <public key>`: checks an evidence pack offline. Exit 0 when
// the pack's signature verifies over every section, its audit chain is intact, every signed
// checkpoint verifies and the chain still has the events it signed, its template matches its
// digest and its sign-offs match the events that recorded them; 1 when something was altered
// (naming what); 2 when the file or the key can't be read or isn't what it should be.
// Without --key the signatures are checked against the key inside the pack, which shows the pack
// is self-consistent and nothing more: said on every run (docs/audit.md). Needs no server and no
// database: only the pack, the key and lib/audit's rules.
import type { KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { verifyPack, type PackVerdict } from "@/lib/audit/pack";
import { KeyFormatError, parsePublicKey } from "@/lib/audit/signing";
import { CliError, usageError } from "@/packages/cli/src/errors";

export const VERIFY_USAGE = "shipcheck verify <evidence-pack.json> [--key <public key: a file, or the PEM or base64 itself>]";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export async function verify(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { key: { type: "string" } } });
  } catch (error) {
    const message = (error as Error).message;
    // `--key -----BEGIN…`: a value starting with dashes reads as an option.
    throw usageError(/'--key' argument is ambiguous/.test(message) ? `${message} A PEM given inline goes after "=": --key="$(cat key.pem)", or give the file's name.` : message, VERIFY_USAGE);
  }
  const { positionals, values } = parsed;
  const file = positionals[0];
  if (!file) throw usageError("name the evidence pack to check", VERIFY_USAGE);
  if (positionals.length > 1) throw usageError(`one evidence pack per command (got ${positionals.length})`, VERIFY_USAGE);
  if (values.key !== undefined && values.key.trim() === "") throw usageError("--key needs the server's public key (GET /api/v1/audit/public-key)", VERIFY_USAGE);
  const key = values.key === undefined ? undefined : await readKey(values.key);

  const verdict = verifyPack(parseJson(await readPack(file), file), { key });
  if (verdict.status === "invalid") {
    throw new CliError(`${file} is not a valid evidence pack:\n${verdict.issues.map((i) => `  ${i}`).join("\n")}`);
  }
  for (const line of report(verdict)) console.log(line);
  return verdict.ok ? 0 : 1;
}

/** What the person verifying reads, one finding a line. */
function report(verdict: Extract<PackVerdict, { status: "checked" }>): string[] {
  const { pack, chain, checkpoints, signature, key, template, signOffs } = verdict;
  const lines = [`Evidence pack of ${pack.project.slug} ${pack.release.version} (commit ${pack.release.commit.slice(0, 12)}), generated ${pack.generatedAt} by ${pack.generatedBy}`];

  if (key.source === "given") {
    lines.push(`Key ${key.keyId} (given with --key)${key.sameAsPack ? ": the key the pack names" : `; the pack names another key, ${key.packKeyId}`}`);
  } else {
    lines.push(
      `Key NOT GIVEN: signatures were checked only against the key inside the pack (${key.keyId}), which proves nothing against someone who rewrote the pack and signed it with a key of their own. Pass --key with the server's public key (GET /api/v1/audit/public-key), kept apart from the pack.`,
    );
  }

  lines.push(signature.ok ? `Signature valid over all ${plural(Object.keys(pack.signature.sections).length, "section")} (digest ${signature.digest.slice(0, 12)})` : `Signature INVALID: ${signature.message}`);

  if (chain.ok) lines.push(`Chain intact: ${plural(chain.events, "event")}${chain.chains > 1 ? ` in ${chain.chains} chains` : ""}`);
  else lines.push(`Chain BROKEN: ${chain.broken.message}`);

  const events = pack.audit.events.length;
  if (!checkpoints.ok) {
    lines.push(`Checkpoint FAILED: ${checkpoints.message}`);
  } else if (checkpoints.checked === 0) {
    lines.push(`Checkpoints: none, so nothing but the hash chain protects the ${plural(events, "event")}`);
  } else {
    const rest = events - checkpoints.signedEvents;
    lines.push(
      `Checkpoints: ${checkpoints.checked} signed, all verify; they cover ${checkpoints.signedEvents === events ? `all ${plural(events, "event")}` : `${checkpoints.signedEvents} of ${plural(events, "event")} (the last ${rest} are protected by the hash chain only)`}`,
    );
  }

  if (template.ok) {
    lines.push(`Template ${pack.template.name} v${pack.template.version}: definition matches its digest ${template.expected.slice(0, 12)}`);
  } else {
    lines.push(`Template ${pack.template.name} v${pack.template.version} ALTERED: its definition hashes to ${template.actual.slice(0, 12)}, not the recorded digest ${template.expected.slice(0, 12)}`);
  }
  if (signOffs.length === 0) {
    lines.push(`Sign-offs: ${pack.signOffs.length} match${pack.signOffs.length === 1 ? "es" : ""} the audit events that recorded them`);
  } else {
    lines.push(`Sign-offs ALTERED: ${signOffs.length} disagreement${signOffs.length === 1 ? "" : "s"} with the audit trail`);
    for (const line of signOffs.slice(0, 10)) lines.push(`  ✗ ${line}`);
    if (signOffs.length > 10) lines.push(`  … and ${signOffs.length - 10} more`);
  }

  if (!verdict.ok) lines.push("ALTERED: this pack is not as the server signed it, or the server's trail was tampered with before it was exported (see above).");
  else if (verdict.authenticated) lines.push(`Verified: every section is as the server holding key ${key.keyId} signed it at ${pack.generatedAt}.`);
  else lines.push("Self-consistent, NOT authenticated: give --key to check the pack against the server's key.");
  return lines;
}

/** --key: a file holding the key (PEM, base64, or GET /api/v1/audit/public-key's JSON), or the key itself. */
async function readKey(value: string): Promise<KeyObject> {
  let text = value;
  let notAFile = false;
  if (!value.includes("-----BEGIN")) {
    try {
      text = await readFile(value, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENAMETOOLONG") throw new CliError(`--key: cannot read ${value}: ${code ?? (error as Error).message}`);
      // Not base64 either: a file name that is not there.
      if (!/^[A-Za-z0-9+/=_\s-]+$/.test(value)) throw new CliError(`--key: no such file: ${value}`);
      notAFile = true;
    }
  }
  if (text.trim().startsWith("{")) {
    try {
      const json = JSON.parse(text) as { publicKey?: unknown };
      if (typeof json.publicKey === "string") text = json.publicKey;
    } catch {
      // Not JSON after all: the key parser says what it is not.
    }
  }
  try {
    return parsePublicKey(text);
  } catch (error) {
    if (error instanceof KeyFormatError) throw new CliError(`--key: ${notAFile ? `${value.length > 40 ? `${value.slice(0, 40)}…` : value} is no file, and ` : ""}${error.message}`);
    throw error;
  }
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

// The evidence pack's signature: the server signs a digest of every section of the pack, so an
// edited result, gate, deployment or event, an added or a removed section, is caught by whoever
// holds the server's public key. The section digests travel with the signature so that
// `shipcheck verify` can say which sections changed. Pure apart from the crypto.
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "@/lib/canonical-json";
import { keyIdOf, SIGNATURE_ALGORITHM, sha256Hex, signMessage, verifyMessage } from "./signing";

const PACK_LABEL = "shipcheck-evidence-pack/2";

export const packSignatureSchema = z.strictObject({
  algorithm: z.literal(SIGNATURE_ALGORITHM),
  keyId: z.string(),
  sections: z.record(z.string(), z.string()).meta({ description: "SHA-256 of each other top-level field of the pack, as canonical JSON (object keys sorted)." }),
  digest: z.string().meta({ description: "SHA-256 of `sections` as canonical JSON: what is signed." }),
  value: z.string().meta({ description: "Ed25519 signature, base64." }),
});
export type PackSignature = z.infer<typeof packSignatureSchema>;

type Document = Record<string, unknown>;

/** SHA-256 of each top-level field but the signature, as canonical JSON (read back from JSON first, as a reader would). */
export function sectionDigests(document: Document): Record<string, string> {
  const asRead = JSON.parse(JSON.stringify(document)) as Document;
  return Object.fromEntries(
    Object.keys(asRead)
      .filter((key) => key !== "signature")
      .sort()
      .map((key) => [key, sha256Hex(canonicalJson(asRead[key]))]),
  );
}

const digestOf = (sections: Record<string, string>) => sha256Hex(canonicalJson(sections));

export function signPack(privateKey: KeyObject, document: Document): PackSignature {
  const sections = sectionDigests(document);
  const digest = digestOf(sections);
  return { algorithm: SIGNATURE_ALGORITHM, keyId: keyIdOf(privateKey), sections, digest, value: signMessage(privateKey, PACK_LABEL, digest) };
}

export type PackSignatureReport =
  | { ok: true; keyId: string; digest: string }
  | { ok: false; keyId: string; problem: "other-key" | "invalid" | "changed"; changed: string[]; message: string };

/**
 * Checks the pack's signature with a key. `changed` names the sections whose content no longer
 * matches the digest the signature covers (meaningful when the signature itself verifies).
 */
export function verifyPackSignature(document: Document, signature: PackSignature, publicKey: KeyObject): PackSignatureReport {
  const keyId = keyIdOf(publicKey);
  const actual = sectionDigests(document);
  const names = [...new Set([...Object.keys(actual), ...Object.keys(signature.sections)])].sort();
  const changed = names.filter((name) => actual[name] !== signature.sections[name]);
  const describe = (list: string[]) =>
    list.map((name) => (!(name in signature.sections) ? `${name} (added)` : !(name in actual) ? `${name} (removed)` : name)).join(", ");
  const valid = digestOf(signature.sections) === signature.digest && verifyMessage(publicKey, PACK_LABEL, signature.digest, signature.value);
  if (!valid) {
    if (signature.keyId !== keyId) {
      return { ok: false, keyId, problem: "other-key", changed, message: `the pack is signed by key ${signature.keyId}, and its signature does not verify with key ${keyId}: it was not signed by that server, or was re-signed` };
    }
    return { ok: false, keyId, problem: "invalid", changed, message: `the signature does not verify with key ${keyId}: the pack's signature was altered${changed.length ? `, and so were: ${describe(changed)}` : ""}` };
  }
  if (changed.length) {
    return { ok: false, keyId, problem: "changed", changed, message: `changed after the server signed the pack: ${describe(changed)}` };
  }
  return { ok: true, keyId, digest: signature.digest };
}

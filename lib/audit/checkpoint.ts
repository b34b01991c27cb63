// Signed checkpoints of a release's audit chain: "chain C had N events, the last one #H with hash
// X, at time T", signed with the instance's Ed25519 key, which lives outside the database. The
// chain proves its events link up; a checkpoint proves which chain it was, so someone who can
// write to the database cannot rewrite, extend before, or cut short the signed part without the
// key. Pure: the server makes and checks them, `shipcheck verify` checks the ones in a pack.
// See docs/decisions/009-signed-audit-checkpoints.md.
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "@/lib/canonical-json";
import { keyIdOf, signMessage, verifyMessage } from "./signing";

const CHECKPOINT_LABEL = "shipcheck-audit-checkpoint/1";

/** A checkpoint is due once its chain is this many events past the last one… */
export const CHECKPOINT_EVERY_EVENTS = 100;
/** …or the last one is this old (checked when the chain is written to or read). */
export const CHECKPOINT_EVERY_SECONDS = 60;

export const checkpointSchema = z.strictObject({
  id: z.string().regex(/^\d{1,19}$/, "a checkpoint id is a decimal number"),
  chain: z.string().meta({ description: "The chain it signs: `release:<release id>`, `project:<project id>` (the project's own events) or `instance`." }),
  headId: z.string().regex(/^\d{1,19}$/).meta({ description: "Id of the chain's last event when signed." }),
  headHash: z.string().meta({ description: "That event's hash." }),
  events: z.number().int().min(1).meta({ description: "How many events the chain had, up to and including the head." }),
  createdAt: z.string(),
  keyId: z.string().meta({ description: "The signing key's id (see GET /api/v1/audit/public-key)." }),
  signature: z.string().meta({ description: "Ed25519 signature, base64, of the fields above but id and keyId." }),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export type CheckpointFields = Pick<Checkpoint, "chain" | "headId" | "headHash" | "events" | "createdAt">;

/** Exactly what is signed: the checkpoint's statement, as canonical JSON. */
const statement = (c: CheckpointFields) => canonicalJson({ chain: c.chain, headId: c.headId, headHash: c.headHash, events: c.events, createdAt: c.createdAt });

export function signCheckpoint(privateKey: KeyObject, fields: CheckpointFields): { keyId: string; signature: string } {
  return { keyId: keyIdOf(privateKey), signature: signMessage(privateKey, CHECKPOINT_LABEL, statement(fields)) };
}

export function checkpointSignatureValid(publicKey: KeyObject, checkpoint: CheckpointFields & { signature: string }): boolean {
  return verifyMessage(publicKey, CHECKPOINT_LABEL, statement(checkpoint), checkpoint.signature);
}

/** Whether the write that just made the chain `sinceLast` events past its last checkpoint should sign a new one. */
export function checkpointDue(last: { createdAt: Date } | null, sinceLast: number, now: Date): boolean {
  if (!last) return true;
  return sinceLast >= CHECKPOINT_EVERY_EVENTS || now.getTime() - last.createdAt.getTime() >= CHECKPOINT_EVERY_SECONDS * 1000;
}

export type CheckpointReport =
  | { ok: true; checked: number; signedEvents: number }
  | { ok: false; checked: number; signedEvents: number; checkpoint: Checkpoint; message: string };

type Linked = { id: string; hash: string | null };

const short = (hash: string | null | undefined) => (hash ? hash.slice(0, 12) : "nothing");
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * Checks a chain's checkpoints (oldest first) against its events (in id order) and the key:
 * each signature, then that the chain still has the signed event at the signed position. Stops at
 * the first that fails. `signedEvents`: events covered by the checkpoints that passed. The chain's
 * own links are verifyChain's to check; together they prove the signed prefix unchanged.
 */
export function verifyCheckpoints(events: readonly Linked[], checkpoints: readonly Checkpoint[], publicKey: KeyObject): CheckpointReport {
  const keyId = keyIdOf(publicKey);
  let signedEvents = 0;
  for (const [index, checkpoint] of checkpoints.entries()) {
    const name = `checkpoint #${checkpoint.id} (${checkpoint.createdAt}, ${plural(checkpoint.events, "event")} up to #${checkpoint.headId})`;
    const fail = (message: string): CheckpointReport => ({ ok: false, checked: index + 1, signedEvents, checkpoint, message: `${name}: ${message}` });
    if (!checkpointSignatureValid(publicKey, checkpoint)) {
      return fail(
        checkpoint.keyId === keyId
          ? `its signature does not verify with key ${keyId}: the checkpoint was forged or altered`
          : `it is signed by key ${checkpoint.keyId}, not ${keyId}, and does not verify with it: forged, or signed with a key this instance no longer uses`,
      );
    }
    if (checkpoint.events > events.length) {
      const missing = checkpoint.events - events.length;
      return fail(`the chain has only ${plural(events.length, "event")}: ${plural(missing, "event")} ${missing === 1 ? "was" : "were"} removed from its end (or before it)`);
    }
    const atHead = events[checkpoint.events - 1]!;
    if (atHead.id !== checkpoint.headId || atHead.hash !== checkpoint.headHash) {
      return fail(
        `event ${checkpoint.events} of the chain is #${atHead.id} with hash ${short(atHead.hash)}, but the signed one was #${checkpoint.headId} with hash ${short(checkpoint.headHash)}: events up to it were inserted, removed or rewritten after it was signed`,
      );
    }
    signedEvents = Math.max(signedEvents, checkpoint.events);
  }
  return { ok: true, checked: checkpoints.length, signedEvents };
}

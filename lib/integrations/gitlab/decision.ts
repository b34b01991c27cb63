// What Shipcheck answers GitLab for a deployment waiting on a protected environment, from the
// gates the one gate function decided. Pure: the caller evaluates, this only reads the decisions.
// Like the GitHub gate, it rejects only when something failed or was rejected; evidence that is
// merely missing (results not in yet, a sign-off to come, a deploy lock) keeps the deployment waiting.
import type { BlockReason, Blocker, GateDecision } from "@/lib/gate";

/** Blockers that are a "no", not a "not yet". */
const FAILING: ReadonlySet<BlockReason> = new Set(["failed", "flaky", "metric", "rejected"]);

/** GitLab keeps a comment of at most this many characters readable in its deployment view. */
const COMMENT_LIMIT = 1000;

export type ApprovalDecision =
  | { answer: "approved"; comment: string }
  | { answer: "rejected"; comment: string; reasons: Blocker[] }
  | { answer: "wait"; reasons: Blocker[] };

export function approvalDecision(gates: GateDecision[], environment: string, version: string): ApprovalDecision {
  const position = gates.findIndex((g) => g.environment === environment);
  const gate = gates[position];
  // Unknown environment: never a pass; the caller only asks for mapped ones.
  if (!gate) return { answer: "wait", reasons: [] };
  if (gate.open) {
    const comment = gate.overridden
      ? `Shipcheck: the ${environment} gate of ${version} is open by an override (${gate.override?.by ?? "an admin"}: ${gate.override?.reason ?? ""}).`
      : `Shipcheck: the ${environment} gate of ${version} is open: its checklist is met.`;
    return { answer: "approved", comment: clip(comment) };
  }
  // A closed earlier environment blocks this one; what failed there is a reason to say no here too.
  const failing = [gate, ...gates.slice(0, position)].flatMap((g) => g.blocking.filter((b) => FAILING.has(b.reason)));
  if (failing.length > 0) {
    const reasons = failing.map((b) => `${b.title}: ${b.detail}`).join("; ");
    return { answer: "rejected", reasons: failing, comment: clip(`Shipcheck: the ${environment} gate of ${version} is closed. ${reasons}`) };
  }
  return { answer: "wait", reasons: gate.blocking };
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > COMMENT_LIMIT ? `${oneLine.slice(0, COMMENT_LIMIT - 1)}…` : oneLine;
}

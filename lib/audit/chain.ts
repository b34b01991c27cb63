// The audit trail's hash chain: each event's hash covers the previous hash and the event itself,
// so changing, removing or reordering any event breaks every link after it. Pure functions,
// shared by the server (writing), the evidence pack and `shipcheck verify` (checking).
import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/canonical-json";

/** What the hash covers: everything recorded about the event except its storage id. */
export type ChainedEvent = {
  projectId: string | null;
  releaseId: string | null;
  actorUserId: string | null;
  actorToken: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
  createdAt: string;
};

/** Exactly the hashed fields of a stored event (extra columns such as id are left out). */
export function chainedFields(event: ChainedEvent): ChainedEvent {
  return {
    projectId: event.projectId,
    releaseId: event.releaseId,
    actorUserId: event.actorUserId,
    actorToken: event.actorToken,
    actorLabel: event.actorLabel,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    before: event.before ?? null,
    after: event.after ?? null,
    requestId: event.requestId,
    ip: event.ip,
    createdAt: event.createdAt,
  };
}

export function eventHash(prevHash: string | null, event: ChainedEvent): string {
  return createHash("sha256").update(`${prevHash ?? ""}\n`).update(canonicalJson(chainedFields(event))).digest("hex");
}

/** Which chain an event belongs to: its release's, else its project's, else the instance's. */
export function chainOf(event: { releaseId: string | null; projectId: string | null }): string {
  return event.releaseId ? `release:${event.releaseId}` : event.projectId ? `project:${event.projectId}` : "instance";
}

/** The events of a chain, by name: a release's; a project's own (no release); the instance's (neither). */
export type ChainScope = { releaseId: string } | { releaseId: null; projectId: string } | { releaseId: null; projectId: null };

export function chainScope(chain: string): ChainScope {
  if (chain === "instance") return { releaseId: null, projectId: null };
  const [kind, id] = [chain.slice(0, chain.indexOf(":")), chain.slice(chain.indexOf(":") + 1)];
  if (kind === "release" && id) return { releaseId: id };
  if (kind === "project" && id) return { releaseId: null, projectId: id };
  throw new Error(`not a chain name: ${chain}`);
}

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; brokenAt: number; reason: string };

/** Checks events of one chain, in order; reports the first broken link (0-based index). */
export function verifyChain(events: (ChainedEvent & { prevHash: string | null; hash: string | null })[]): ChainCheck {
  let previous: string | null = null;
  for (const [index, event] of events.entries()) {
    if (event.prevHash !== previous) {
      return { ok: false, events: events.length, brokenAt: index, reason: `event ${index} (${event.action}) points at ${event.prevHash?.slice(0, 12) ?? "nothing"}, but the event before it hashes to ${previous?.slice(0, 12) ?? "nothing"}` };
    }
    const expected = eventHash(previous, chainedFields(event));
    if (event.hash !== expected) {
      return { ok: false, events: events.length, brokenAt: index, reason: `event ${index} (${event.action}) was changed: its content hashes to ${expected.slice(0, 12)}, not ${event.hash?.slice(0, 12) ?? "nothing"}` };
    }
    previous = event.hash;
  }
  return { ok: true, events: events.length };
}

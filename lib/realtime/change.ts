// What one committed change says to the app instances that listen: which project and release
// moved, and how. Small on purpose: listeners refetch the state, they never read it from here.
import { z } from "zod";

/** The PostgreSQL NOTIFY channel every instance LISTENs on. */
export const CHANGES_CHANNEL = "shipcheck_changes";

export type ChangeNotice = {
  projectId: string;
  /** Null for project-wide changes (a deploy lock, a member's role): every release of it may show them. */
  releaseId: string | null;
  /** The audit action, such as `results.recorded`. */
  kind: string;
  /** The audit event that recorded it. */
  eventId: string | null;
};

// NOTIFY refuses payloads of 8000 bytes or more; ids and an action name stay far below.
const MAX_PAYLOAD = 7_900;

const wireSchema = z.object({
  p: z.string().min(1),
  r: z.string().min(1).nullable(),
  k: z.string().min(1).max(100),
  e: z.string().nullable().optional(),
});

export function encodeNotice(notice: ChangeNotice): string {
  const payload = JSON.stringify({ p: notice.projectId, r: notice.releaseId, k: notice.kind.slice(0, 100), e: notice.eventId });
  if (Buffer.byteLength(payload) > MAX_PAYLOAD) throw new Error(`change notice of ${Buffer.byteLength(payload)} bytes is too large for NOTIFY`);
  return payload;
}

/** Null for anything that is not a notice of ours (another writer on the channel, a truncated payload). */
export function decodeNotice(payload: string | undefined): ChangeNotice | null {
  if (!payload) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = wireSchema.safeParse(raw);
  if (!parsed.success) return null;
  return { projectId: parsed.data.p, releaseId: parsed.data.r, kind: parsed.data.k, eventId: parsed.data.e ?? null };
}

/** What a subscriber watches: a whole project, or one release of it (which also sees project-wide changes). */
export type Interest = { projectId: string; releaseId?: string };

export function concerns(interest: Interest, notice: ChangeNotice): boolean {
  if (notice.projectId !== interest.projectId) return false;
  return interest.releaseId === undefined || notice.releaseId === null || notice.releaseId === interest.releaseId;
}

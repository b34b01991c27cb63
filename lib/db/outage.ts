// While the database cannot be reached, pages are answered 503 by the app's server
// (scripts/server.mjs) without being rendered: the first page or API request that meets the
// outage marks it here, for OUTAGE_HOLD_MS; the next request after that tries the database
// again, so recovery needs no restart. The mark lives on globalThis under a registered symbol
// because the server script and Next.js's bundles are separate module graphs in one process.
import { log } from "@/lib/log";

const DOWN_UNTIL = Symbol.for("shipcheck.databaseDownUntil");

/** How long pages are answered 503 after an outage was seen, before the database is tried again. */
export const OUTAGE_HOLD_MS = 3_000;

type Marked = typeof globalThis & { [DOWN_UNTIL]?: number };

/** The last line of the error's message, which names what failed ("Can't reach database server at …"). */
function gistOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split("\n").filter(Boolean).at(-1)?.slice(0, 200) ?? "";
}

/** Logged once when an outage starts, not once per request during it. */
export function markDatabaseDown(error: unknown, now = Date.now()): void {
  const state = globalThis as Marked;
  const wasDown = (state[DOWN_UNTIL] ?? 0) > now;
  state[DOWN_UNTIL] = now + OUTAGE_HOLD_MS;
  if (!wasDown) log().warn({ cause: gistOf(error) }, "the database cannot be reached: answering 503 and trying again every few seconds");
}

export function databaseMarkedDown(now = Date.now()): boolean {
  return ((globalThis as Marked)[DOWN_UNTIL] ?? 0) > now;
}

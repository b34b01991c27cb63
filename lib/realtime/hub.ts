// The instance's one change listener and its count of open event streams. Kept on globalThis
// because Next.js bundles each route on its own: a module-level singleton would exist per route.
import { CHANGES_CHANNEL } from "./change";
import { ChangeListener } from "./listener";

type Hub = { listener: ChangeListener; openStreams: number; streams: Set<() => void> };

const globalForHub = globalThis as unknown as { shipcheckChangeHub?: Hub };

/** Open event streams one instance serves at most; past it, new ones get 503 and go elsewhere. */
export function maxStreams(): number {
  const configured = Number(process.env.SHIPCHECK_MAX_EVENT_STREAMS);
  return Number.isInteger(configured) && configured > 0 ? configured : 1_000;
}

function createHub(): Hub {
  // Behind PgBouncer in transaction mode LISTEN does not work: DATABASE_LISTEN_URL then names a
  // direct (or session-mode) connection to the primary.
  const connectionString = process.env.DATABASE_LISTEN_URL || process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  const hub: Hub = { listener: new ChangeListener({ connectionString, channel: CHANGES_CHANNEL }), openStreams: 0, streams: new Set() };
  // On SIGTERM Next.js stops accepting requests and waits for open ones: event streams never end
  // by themselves, so end them (their clients reconnect through the load balancer elsewhere).
  // With NEXT_MANUAL_SIG_HANDLE the app's owner handles signals, and a listener here would keep
  // the process from exiting.
  if (!process.env.NEXT_MANUAL_SIG_HANDLE) {
    const endAll = () => {
      for (const end of [...hub.streams]) end();
    };
    process.once("SIGTERM", endAll);
    process.once("SIGINT", endAll);
  }
  return hub;
}

export function changeHub(): Hub {
  globalForHub.shipcheckChangeHub ??= createHub();
  return globalForHub.shipcheckChangeHub;
}

/** Streams open now, without starting the listener for it (a metrics scrape must not). */
export function openStreamCount(): number {
  return globalForHub.shipcheckChangeHub?.openStreams ?? 0;
}

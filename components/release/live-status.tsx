import type { LiveState } from "./release-query";

/**
 * Whether the page follows changes as they happen. It reads the connection, not each refresh:
 * a screen reader hears it when live updates stop or come back, never on every update.
 */
export function LiveStatus({ state, error, fallbackPollMs }: { state: LiveState; error: Error | null; fallbackPollMs: number }) {
  // The page was rendered fresh: until the stream stands it is as current as a live one.
  const tone = error ? "bg-red-500" : state === "polling" ? "bg-amber-500" : "bg-emerald-500";
  const label = error
    ? `Live updates paused: ${error.message}`
    : state === "polling"
      ? `Live updates interrupted: checking every ${Math.round(fallbackPollMs / 1000)} s`
      : "Live";
  return (
    <p role="status" data-live={error ? "error" : state} className="flex items-center gap-1.5 text-xs text-slate-600">
      <span aria-hidden="true" className={`inline-block h-2 w-2 shrink-0 rounded-full ${tone}`} />
      <span>{label}</span>
    </p>
  );
}

"use client";
// An instant in the reader's own time zone, with how long ago it was; the exact UTC time on hover.
// The server renders UTC (it does not know the reader's zone); the browser then shows local time,
// without a hydration mismatch (useSyncExternalStore's server snapshot), and refreshes "ago".
import { useSyncExternalStore } from "react";
import { durationWords, formatTime, LOCAL_TIME_OPTIONS } from "./format-time";

const subscribe = (notify: () => void) => {
  const timer = setInterval(notify, 30_000);
  return () => clearInterval(timer);
};
/** Changes every 10 s, so the snapshot is stable between renders and "ago" is never off by a minute. */
const STEP_MS = 10_000;
const currentStep = () => Math.floor(Date.now() / STEP_MS);

/** "3 min ago", "2 h ago", "5 days ago", "in 4 days". */
export function relativeTime(iso: string, now: number): string {
  const offset = Date.parse(iso) - now;
  const amount = durationWords(offset);
  if (amount === null) return "just now";
  return offset < 0 ? `${amount} ago` : `in ${amount}`;
}

const LOCAL = new Intl.DateTimeFormat(undefined, LOCAL_TIME_OPTIONS);

export function LocalTime({ iso, relative = true }: { iso: string; relative?: boolean }) {
  const step = useSyncExternalStore(subscribe, currentStep, () => null);
  const utc = formatTime(iso);
  if (step === null) {
    return (
      <time dateTime={iso} title={utc}>
        {utc}
      </time>
    );
  }
  return (
    <time dateTime={iso} title={utc}>
      {LOCAL.format(new Date(iso))}
      {relative ? ` (${relativeTime(iso, step * STEP_MS)})` : ""}
    </time>
  );
}

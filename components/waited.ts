import { durationWords } from "./format-time";

/** "3 h": how long since `iso`, as of `now`; "just now" under a minute. */
export function waitedSince(iso: string, now = Date.now()): string {
  return durationWords(now - Date.parse(iso)) ?? "just now";
}

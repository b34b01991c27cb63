// One rendering of instants for server and browser alike (no locale or time zone drift between them).
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** How LocalTime shows an instant in the reader's zone (dateStyle and timeStyle cannot be combined with timeZoneName). */
export const LOCAL_TIME_OPTIONS: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };

/** A span of time in the largest sensible unit ("3 min", "2 h", "5 days"); null under a minute. */
export function durationWords(ms: number): string | null {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return null;
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} days`;
}

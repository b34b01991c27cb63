// One rendering of instants for server and browser alike (no locale or time zone drift between them).
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** How LocalTime shows an instant in the reader's zone (dateStyle and timeStyle cannot be combined with timeZoneName). */
export const LOCAL_TIME_OPTIONS: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" };

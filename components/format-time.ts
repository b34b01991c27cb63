// One rendering of instants for server and browser alike (no locale or time zone drift between them).
export function formatTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

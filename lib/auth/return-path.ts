// Where to go after sign-in: only a path on this site, never another host.
const BASE = "http://shipcheck.invalid";

/**
 * Parses the value as a URL relative to this site (as a browser would, so `/\evil.example/`
 * and `//evil.example` resolve to another host) and keeps it only when it stays same-origin.
 */
export function safeReturnPath(value: string | string[] | undefined | null): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || !raw.startsWith("/")) return "/";
  // Browsers drop tabs and newlines inside URLs and treat a backslash like a slash.
  if (/[\u0000-\u001f\\]/.test(raw)) return "/";
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("//") ? "/" : path;
}

// A client that closes its connection before the answer (cancelled CI job, closed tab, timeout on
// its side) is not a server error: reading the body then fails with "aborted" / ECONNRESET, or an
// AbortError, and the request's signal is aborted.

type Loose = { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };

export function isClientAbort(error: unknown, request?: Request): boolean {
  if (request?.signal.aborted) return true;
  const seen = new Set<unknown>();
  for (let current = error; current && typeof current === "object" && !seen.has(current); current = (current as Loose).cause) {
    seen.add(current);
    const { name, code, message } = current as Loose;
    if (name === "AbortError" || name === "ResponseAborted" || code === "ABORT_ERR" || code === "ERR_STREAM_PREMATURE_CLOSE") return true;
    if (message === "aborted" || (code === "ECONNRESET" && typeof message === "string" && /aborted/i.test(message))) return true;
  }
  return false;
}

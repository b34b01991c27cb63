// A caller's X-Request-Id is echoed and stored in the audit trail, so only a plausible one is kept:
// 1-128 letters, digits and ._:;=+/- (UUIDs, trace ids, "Root=1-…" all fit). Anything else (line
// breaks, markup, a megabyte) is replaced by an id of our own.
import { randomUUID } from "node:crypto";

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:;=+/-]{0,127}$/;

/** A caller's X-Request-Id when it is a plausible id (1-128 of letters, digits and ._:;=+/-); otherwise none. */
export function validRequestId(value: string | null | undefined): string | null {
  return value && REQUEST_ID.test(value) ? value : null;
}

/** The caller's id when it is valid, else a new one. */
export function requestIdFrom(value: string | null | undefined): string {
  return validRequestId(value) ?? randomUUID();
}

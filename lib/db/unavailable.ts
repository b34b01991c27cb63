// Is this error "the database cannot be reached right now" (stopped, restarting, connection lost,
// timed out) rather than a bug or a bad request? Such errors become 503 + Retry-After, not 500.
//
// What is recognised, anywhere in the error's chain (`cause`, Prisma's `meta.driverAdapterError`):
// - Node socket errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ENOTFOUND, EHOSTUNREACH…
// - PostgreSQL SQLSTATEs: 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
//   53300 too_many_connections, and class 08 (connection exceptions);
// - @prisma/adapter-pg's kinds: DatabaseNotReachable, ConnectionClosed, SocketTimeout, TooManyConnections;
// - Prisma's codes: P1001 (can't reach), P1002 (timed out), P1008, P1017 (server closed the
//   connection), P2024 (pool timeout), and P2010 (raw query failed) when its cause is one of the above;
// - node-postgres's code-less messages: "Connection terminated…", "timeout exceeded when trying to connect".

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ECONNABORTED"]);
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /can't reach database server/i,
  /server closed the connection/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /client has encountered a connection error and is not queryable/i,
];

type Loose = { code?: unknown; kind?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };

function matchesOne(error: Loose): boolean {
  const code = typeof error.code === "string" ? error.code : undefined;
  if (code && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || PRISMA_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof error.kind === "string" && ADAPTER_KINDS.has(error.kind)) return true;
  if (error.kind === "postgres" && typeof error.code === "string" && (SQLSTATES.has(error.code) || error.code.startsWith("08"))) return true;
  if (typeof error.originalCode === "string" && (SQLSTATES.has(error.originalCode) || error.originalCode.startsWith("08") || SOCKET_CODES.has(error.originalCode))) return true;
  return typeof error.message === "string" && MESSAGES.some((pattern) => pattern.test(error.message as string));
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length) {
    const current = queue.shift();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const loose = current as Loose;
    if (matchesOne(loose)) return true;
    queue.push(loose.cause, loose.meta?.driverAdapterError);
    if (current instanceof AggregateError) queue.push(...current.errors);
  }
  return false;
}

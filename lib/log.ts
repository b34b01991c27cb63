// Structured JSON logs (pino), one object per line on stdout: an access line per answered request
// (lib/metrics/http.ts), errors once with their stack, and the app's own notices. Headers and
// bodies are never logged; query values that look like secrets are replaced before they are.
import pino, { type Logger } from "pino";

const KEY = Symbol.for("shipcheck.log");
const globalForLog = globalThis as unknown as { [KEY]?: Logger };

function createLogger(): Logger {
  return pino({
    level: process.env.SHIPCHECK_LOG_LEVEL || "info",
    base: { service: "shipcheck", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Belt and braces: nothing logs these fields today, and nothing ever may.
    redact: { paths: ["authorization", "cookie", "password", "token", "secret", "*.authorization", "*.cookie", "*.password", "*.token", "*.secret"], censor: "[redacted]" },
  });
}

export function log(): Logger {
  globalForLog[KEY] ??= createLogger();
  return globalForLog[KEY];
}

const SECRET_PARAMETER = /token|key|secret|password|passwd|signature|sig|code|state|session|auth/i;

/** The path and query of a request as it may be logged: secret-looking query values replaced. */
export function loggablePath(raw: string): string {
  // A public badge's key is in its path: kept out of the log like a query secret.
  const url = raw.replace(/^(\/api\/v1\/badges\/)[^/?]+/, "$1[redacted]");
  const at = url.indexOf("?");
  if (at < 0) return url;
  const query = new URLSearchParams(url.slice(at + 1));
  for (const name of new Set(query.keys())) if (SECRET_PARAMETER.test(name)) query.set(name, "[redacted]");
  const rest = query.toString();
  return rest ? `${url.slice(0, at)}?${rest}` : url.slice(0, at);
}

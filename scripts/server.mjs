// The app's HTTP server: Next.js behind a plain node:http server, so that the handlers learn the
// address of the connection's peer. Next.js only fills X-Forwarded-For when a client sent none,
// so that header alone cannot tell a proxy's word from a client's claim (lib/http/client-address.ts).
//
//   node scripts/server.mjs [--dev] [-p PORT]
//
// Every request gets `x-shipcheck-peer: <token> <address>`, replacing whatever a client sent; the
// token is made here, per process, so a header that did not come from this server never counts.
// And `x-shipcheck-path`, the path a page that meets a database outage sends the browser back to.
//
// A path that is not valid percent-encoding is a 404 page (400 JSON under /api/), not Next.js's 500.
//
// Every answered request is reported, when its response ends, to the hook the app installs at
// start-up (lib/metrics/http.ts): GET /api/metrics counts it and the log gets its access line.
//
// While the database is marked unreachable (lib/db/outage.ts, on globalThis), pages are answered
// here with a 503 page and Retry-After, without rendering; the API answers its own JSON 503s.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import next from "next";

const args = process.argv.slice(2);
const dev = args.includes("--dev");
const portAt = args.indexOf("-p");
const port = Number(portAt >= 0 ? args[portAt + 1] : process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || undefined;

process.env.SHIPCHECK_PEER_TOKEN = randomBytes(16).toString("hex");
const peerHeader = (address) => `${process.env.SHIPCHECK_PEER_TOKEN} ${address ?? ""}`.trim();

const app = next({ dev, dir: process.cwd(), port, hostname });
await app.prepare();
const handle = app.getRequestHandler();

const DOWN_UNTIL = Symbol.for("shipcheck.databaseDownUntil");
const RETRY_AFTER_SECONDS = 5;
const isPage = (url) => !/^\/(api|_next)\//.test(url) && url !== "/favicon.svg";
const UNAVAILABLE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}"><title>Unavailable · Shipcheck</title>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:0 .75rem;background:#f8fafc;color:#0f172a}main{max-width:36rem;margin:12vh auto;padding:1.5rem;background:#fff;border:1px solid #e2e8f0;border-radius:.5rem}h1{font-size:1.25rem;margin:0 0 .75rem}p{line-height:1.5;margin:.5rem 0}.muted{color:#475569;font-size:.875rem}</style>
</head><body><main role="alert"><h1>Shipcheck cannot reach its database</h1>
<p>Nothing is shown rather than something out of date: gates, results and sign-offs all live in the database.</p>
<p>This page tries again by itself every ${RETRY_AFTER_SECONDS} seconds. Results CI sends meanwhile are refused with 503, never lost: the command-line client retries them.</p>
<p class="muted">Server status: <code>GET /api/health</code></p></main></body></html>`;

function answerUnavailable(response) {
  response.writeHead(503, {
    "content-type": "text/html; charset=utf-8",
    "retry-after": String(RETRY_AFTER_SECONDS),
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  });
  response.end(UNAVAILABLE_PAGE);
}

/** A path that is not valid percent-encoding (say `/projects/%E0%A4%A`): Next.js would answer 500. */
function malformedPath(url) {
  try {
    decodeURIComponent(url.split("?")[0]);
    return false;
  } catch {
    return true;
  }
}

const REQUEST_OBSERVER = Symbol.for("shipcheck.requestObserver");

function observeWhenAnswered(request, response) {
  // The server's own question to a route (which methods it has) is not a client's request.
  if (request.headers[PROBE_HEADER] === process.env.SHIPCHECK_PEER_TOKEN) return;
  const started = process.hrtime.bigint();
  const method = request.method ?? "GET";
  const url = request.url ?? "/";
  // "close" comes for every response, finished or cut off by a client that went away.
  response.once("close", () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const requestId = response.getHeader("x-request-id") ?? request.headers["x-request-id"] ?? null;
    const aborted = !response.writableFinished;
    globalThis[REQUEST_OBSERVER]?.({ method, url, status: response.statusCode, seconds, requestId, headers: request.headers, aborted });
  });
}

/**
 * Next.js answers a method that an API route does not export with an empty 405. Under /api/ that
 * becomes JSON naming the methods there are, in `Allow` too, read from the route's own automatic
 * OPTIONS answer, so the list is always the route file's.
 */
const PROBE_HEADER = "x-shipcheck-allow-probe";

function explainMethodNotAllowed(request, response) {
  const writeHead = response.writeHead.bind(response);
  const end = response.end.bind(response);
  let held = null;
  // Next.js may write the head before the (empty) body: hold a 405's head until the body is known.
  response.writeHead = (status, ...rest) => {
    if (status !== 405) return writeHead(status, ...rest);
    held = rest;
    return response;
  };
  response.end = (...args) => {
    if (held === null && (response.statusCode !== 405 || response.headersSent)) return end(...args);
    const url = request.url ?? "/";
    fetch(`http://127.0.0.1:${port}${url}`, { method: "OPTIONS", headers: { [PROBE_HEADER]: process.env.SHIPCHECK_PEER_TOKEN } })
      .then((answer) => answer.headers.get("allow") ?? "")
      .catch(() => "")
      .then((allow) => {
        const methods = allow.split(",").map((m) => m.trim()).filter((m) => m && m !== "OPTIONS");
        const where = url.split("?")[0].slice(0, 200);
        const message = `${request.method} is not allowed at ${where}${methods.length ? `; use ${methods.join(", ")}` : ""}`;
        const body = JSON.stringify({ error: { code: "method_not_allowed", message } });
        // Whatever the held head said, this answer is JSON of this length.
        for (const name of ["content-type", "content-length", "transfer-encoding"]) response.removeHeader(name);
        // Headers the held head carried itself (beside those already set) are kept, but not its body's.
        const given = held?.find((h) => h && typeof h === "object" && !Array.isArray(h)) ?? {};
        const kept = Object.fromEntries(Object.entries(given).filter(([name]) => !/^(content-type|content-length|transfer-encoding)$/i.test(name)));
        writeHead(405, { ...kept, ...(allow ? { allow } : {}), "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
        end(body);
      });
    return response;
  };
}

const server = createServer((request, response) => {
  observeWhenAnswered(request, response);
  if ((request.url ?? "").startsWith("/api/")) explainMethodNotAllowed(request, response);
  if (malformedPath(request.url ?? "/")) {
    if (/^\/api\//.test(request.url)) {
      request.resume();
      response.writeHead(400, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(JSON.stringify({ error: { code: "bad_request", message: "the address is not valid percent-encoding (a % must be followed by two hex digits of UTF-8)" } }));
      return;
    }
    // A page: the app's own 404 page, for an address that names nothing.
    request.url = "/not-found";
  }
  request.headers["x-shipcheck-peer"] = peerHeader(request.socket.remoteAddress);
  request.headers["x-shipcheck-path"] = request.url ?? "/";
  if (isPage(request.url ?? "/") && (globalThis[DOWN_UNTIL] ?? 0) > Date.now()) {
    // Drain what was sent (a form post) so the connection can be reused.
    request.resume();
    answerUnavailable(response);
    return;
  }
  void handle(request, response);
});
// Longer than a balancer's idle timeout, so the balancer closes idle connections, not us.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

server.listen(port, hostname, () => {
  console.log(`[server] listening on ${hostname ?? "*"}:${port}${dev ? " (development)" : ""}`);
});

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.close(() => process.exit(0));
    // Open event streams and keep-alive connections do not end by themselves.
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      process.exit(0);
    }, 2_000).unref();
  });
}

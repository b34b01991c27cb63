// The app's HTTP server: Next.js behind a plain node:http server, so that the handlers learn the
// address of the connection's peer. Next.js only fills X-Forwarded-For when a client sent none,
// so that header alone cannot tell a proxy's word from a client's claim (lib/http/client-address.ts).
//
//   node scripts/server.mjs [--dev] [-p PORT]
//
// Every request gets `x-shipcheck-peer: <token> <address>`, replacing whatever a client sent; the
// token is made here, per process, so a header that did not come from this server never counts.
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

const server = createServer((request, response) => {
  request.headers["x-shipcheck-peer"] = peerHeader(request.socket.remoteAddress);
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

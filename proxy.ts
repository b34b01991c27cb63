// Runs before every page request: security headers, and a fresh CSP nonce for each page.
// API routes are left out (next.config.ts gives them a fixed policy): a proxy would make Next.js
// buffer request bodies, and reports and webhooks are large.
import { NextResponse, type NextRequest } from "next/server";
import { pagePolicy, PERMISSIONS_POLICY, strictTransport } from "@/lib/http/security-headers";

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = pagePolicy(nonce);
  // Next.js reads the nonce from the request's policy and puts it on the scripts it renders.
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  headers.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  response.headers.set("permissions-policy", PERMISSIONS_POLICY);
  const hsts = strictTransport(request);
  if (hsts) response.headers.set("strict-transport-security", hsts);
  return response;
}

export const config = {
  // Static build output carries no per-request nonce and needs none; API routes see above; the
  // CLI download (/cli/) is a script file, not a page.
  matcher: [{ source: "/((?!api/|cli/|_next/static|_next/image|favicon.svg).*)" }],
};

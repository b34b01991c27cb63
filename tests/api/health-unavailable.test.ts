// With its database unreachable, the app says so: /api/health answers 503, not 200 and not a hang.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, describe, expect, it } from "vitest";
import { generateToken } from "@/lib/auth/tokens";
import { freePort } from "../support/free-port";


let app: ChildProcess | undefined;
const secret = randomBytes(32).toString("hex");
let baseUrl = "";

afterAll(() => {
  app?.kill("SIGTERM");
});

describe("GET /api/health without a database", () => {
  it("answers 503 with the database check failed", async () => {
    const [port, deadPort] = await Promise.all([freePort(), freePort()]);
    app = spawn(process.execPath, [path.join(process.cwd(), "scripts/server.mjs"), "-p", String(port)], {
      env: { ...process.env, DATABASE_URL: `postgresql://nobody@127.0.0.1:${deadPort}/none`, SHIPCHECK_APP_DATABASE_URL: "", PORT: String(port), NEXTAUTH_SECRET: secret, NEXTAUTH_URL: `http://127.0.0.1:${port}` },
      stdio: "ignore",
    });
    baseUrl = `http://127.0.0.1:${port}`;
    let response: Response | null = null;
    for (let i = 0; i < 100 && !response; i++) {
      response = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
      if (!response) await new Promise((r) => setTimeout(r, 200));
    }
    expect(response?.status).toBe(503);
    expect(Number(response!.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await response!.json();
    expect(body.status).toBe("unavailable");
    expect(body.database.ok).toBe(false);
    expect(typeof body.database.error).toBe("string");
  });

  it("answers every API request with 503, Retry-After and the JSON error shape, never 500", async () => {
    const { token } = generateToken(); // well-formed, so checking it needs the database
    const release = `${baseUrl}/api/v1/projects/demo/releases/v1.0.0`;
    const requests: [string, RequestInit][] = [
      [`${release}/gate?environment=staging`, {}],
      [`${release}/results`, { method: "POST", headers: { "content-type": "application/json", "idempotency-key": "k-1" }, body: JSON.stringify({ results: [] }) }],
      [release, {}],
    ];
    for (const [url, init] of requests) {
      const response = await fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
      expect(response.status, url).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = await response.json();
      expect(body).toEqual({ error: { code: "service_unavailable", message: expect.any(String) } });
    }
  });

  it("answers pages with a 503 page that says why and reloads itself, never a 500; the first request is sent back to itself", async () => {
    // A signed-in visitor: checking the session needs the database.
    const cookie = `next-auth.session-token=${await encode({ token: { sub: randomUUID(), email: "someone@example.com", sv: 0 }, secret })}`;
    for (const path of ["/projects/demo/releases/v1.0.0?environment=staging", "/", "/account", "/projects/demo/templates"]) {
      let response = await fetch(`${baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
      if (response.status === 307) {
        // The outage was found while rendering: marked, and the browser sent to the same page.
        expect(response.headers.get("location"), path).toBe(path);
        await response.arrayBuffer();
        response = await fetch(`${baseUrl}${path}`, { headers: { cookie }, redirect: "manual" });
      }
      expect(response.status, path).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("cache-control")).toBe("no-store");
      const html = await response.text();
      expect(html).toContain("Shipcheck cannot reach its database");
      expect(html).toMatch(/<meta http-equiv="refresh" content="\d+">/);
      expect(html).not.toContain("<script");
    }
    // The API keeps its own JSON answer meanwhile.
    const api = await fetch(`${baseUrl}/api/v1/projects/demo/releases/v1.0.0`, { headers: { cookie } });
    expect(api.status).toBe(503);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("service_unavailable");
  });
});

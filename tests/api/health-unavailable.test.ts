// With its database unreachable, the app says so: /api/health answers 503, not 200 and not a hang.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateToken } from "@/lib/auth/tokens";
import { freePort } from "../support/free-port";


let app: ChildProcess | undefined;
let baseUrl = "";

afterAll(() => {
  app?.kill("SIGTERM");
});

describe("GET /api/health without a database", () => {
  it("answers 503 with the database check failed", async () => {
    const [port, deadPort] = await Promise.all([freePort(), freePort()]);
    app = spawn(process.execPath, [path.join(process.cwd(), "node_modules/next/dist/bin/next"), "start", "-p", String(port)], {
      env: { ...process.env, DATABASE_URL: `postgresql://nobody@127.0.0.1:${deadPort}/none`, SHIPCHECK_APP_DATABASE_URL: "", PORT: String(port) },
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
});

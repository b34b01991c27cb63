// With its database unreachable, the app says so: /api/health answers 503, not 200 and not a hang.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port";


let app: ChildProcess | undefined;

afterAll(() => {
  app?.kill("SIGTERM");
});

describe("GET /api/health without a database", () => {
  it("answers 503 with the database check failed", async () => {
    const [port, deadPort] = await Promise.all([freePort(), freePort()]);
    app = spawn(process.execPath, [path.join(process.cwd(), "node_modules/next/dist/bin/next"), "start", "-p", String(port)], {
      env: { ...process.env, DATABASE_URL: `postgresql://nobody@127.0.0.1:${deadPort}/none`, PORT: String(port) },
      stdio: "ignore",
    });
    let response: Response | null = null;
    for (let i = 0; i < 100 && !response; i++) {
      response = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null);
      if (!response) await new Promise((r) => setTimeout(r, 200));
    }
    expect(response?.status).toBe(503);
    const body = await response!.json();
    expect(body.status).toBe("unavailable");
    expect(body.database.ok).toBe(false);
    expect(typeof body.database.error).toBe("string");
  });
});

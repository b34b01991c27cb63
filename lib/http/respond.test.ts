// errorResponse: a database that cannot be reached is 503 with Retry-After, never 500.
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { errorResponse } from "./respond";

afterEach(() => vi.restoreAllMocks());

describe("errorResponse", () => {
  it("answers 503 with Retry-After and the error shape when the database cannot be reached", async () => {
    const warn = vi.spyOn(log(), "warn").mockImplementation(() => undefined);
    const error = vi.spyOn(log(), "error").mockImplementation(() => undefined);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", syscall: "connect", errno: -111 });
    const response = errorResponse(new Error("query failed", { cause: refused }), "req-1");
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await response.json()).toEqual({ error: { code: "service_unavailable", message: expect.any(String) } });
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("keeps 500 for the unexpected, and the status of AppErrors", async () => {
    vi.spyOn(log(), "error").mockImplementation(() => undefined);
    expect(errorResponse(new TypeError("x is undefined"), "req-2").status).toBe(500);
    expect(errorResponse(new AppError("conflict", "taken"), "req-3").status).toBe(409);
  });
});

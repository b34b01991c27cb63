// The HTTP side of a query against a local server that answers like Prometheus, or badly.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ANSWER_BYTES, queryUrl, runQuery } from "./client";

let server: Server;
let base = "";
let seen: IncomingMessage[] = [];
let answer: (req: IncomingMessage, res: ServerResponse) => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const sample = JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: {}, value: [1, "7"] }] } });

describe("runQuery", () => {
  it("asks GET <base>/api/v1/query with the query and a timeout, sending the bearer token", async () => {
    seen = [];
    answer = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(sample);
    expect(await runQuery({ url: base, bearerToken: "s3cret-token" }, "sum(up)", 2_000)).toEqual({ value: 7, error: null });
    expect(seen).toHaveLength(1);
    const url = new URL(seen[0]!.url!, base);
    expect(seen[0]!.method).toBe("GET");
    expect(url.pathname).toBe("/prom/api/v1/query");
    expect(url.searchParams.get("query")).toBe("sum(up)");
    expect(url.searchParams.get("timeout")).toBe("2s");
    expect(seen[0]!.headers.authorization).toBe("Bearer s3cret-token");
    expect(queryUrl("http://p:9090", "up", 5_000)).toBe("http://p:9090/api/v1/query?query=up&timeout=5s");
  });

  it("sends no Authorization header without a token", async () => {
    seen = [];
    await runQuery({ url: base, bearerToken: null }, "up", 2_000);
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it("an answer that never comes is no value once the timeout passes", async () => {
    answer = () => {};
    const started = Date.now();
    const reading = await runQuery({ url: base, bearerToken: null }, "up", 300);
    expect(reading).toEqual({ value: null, error: "Prometheus did not answer within 0.3 s" });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("an answer larger than the limit is not read", async () => {
    answer = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"status":"success","data":{"resultType":"vector","result":[${'{"metric":{},"value":[1,"1"]},'.repeat(MAX_ANSWER_BYTES / 20)}]}}`);
    };
    expect(await runQuery({ url: base, bearerToken: null }, "up", 5_000)).toEqual({ value: null, error: "the answer from Prometheus is larger than 1 MB" });
  });

  it("refused credentials, HTML, a redirect and an error status are no value", async () => {
    answer = (_req, res) => res.writeHead(401).end("unauthorized");
    expect((await runQuery({ url: base, bearerToken: "wrong" }, "up", 2_000)).error).toBe("Prometheus refused the credentials (HTTP 401)");
    answer = (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>login</html>");
    expect((await runQuery({ url: base, bearerToken: null }, "up", 2_000)).error).toBe("the answer from Prometheus is not JSON (HTTP 200)");
    seen = [];
    answer = (req, res) => (req.url!.startsWith("/elsewhere") ? res.writeHead(200).end(sample) : res.writeHead(302, { location: "/elsewhere" }).end());
    expect((await runQuery({ url: base, bearerToken: "t" }, "up", 2_000)).value).toBeNull();
    expect(seen).toHaveLength(1);
    answer = (_req, res) => res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: "error", errorType: "bad_data", error: "parse error" }));
    expect((await runQuery({ url: base, bearerToken: null }, "sum(", 2_000)).error).toBe("Prometheus refused the query: bad_data: parse error");
    answer = (_req, res) => res.writeHead(503, { "content-type": "application/json" }).end(sample);
    expect((await runQuery({ url: base, bearerToken: null }, "up", 2_000)).error).toBe("Prometheus answered HTTP 503");
  });

  it("nothing listening is no value, and the reason quotes no token", async () => {
    const reading = await runQuery({ url: "http://127.0.0.1:1", bearerToken: "s3cret-token" }, "up", 2_000);
    expect(reading.value).toBeNull();
    expect(reading.error).toMatch(/^Prometheus cannot be reached/);
    expect(reading.error).not.toContain("s3cret");
  });
});

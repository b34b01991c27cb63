// Bad requests over HTTP: each gets the JSON error shape with its own status (never a 500), and
// nothing is written: no Result, Metric, SignOff or AuditEvent row appears for the release.
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject, makeUser, randomSha } from "../support/fixtures";
import { api, baseUrl, signIn } from "../support/http";
import { releaseCounts, releaseRow } from "../support/db-state";
import { detailPaths, expectApiError } from "../support/errors";
import { send } from "../support/raw";

type Project = Awaited<ReturnType<typeof makeProject>>;

const base = (p: Project) => `/api/v1/projects/${p.slug}/releases/${p.version}`;
const smokeResults = (p: Project) => ({
  environment: "staging",
  commit: p.commit,
  results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed", durationMs: 5 }],
});
const throughput = { environment: "staging", metrics: [{ name: "events_per_sec", value: 812 }] };

/** Runs `request`, then checks the release gained no rows of any kind. */
async function unchanged<T>(p: Project, request: () => Promise<T>): Promise<T> {
  const before = await releaseCounts(p.slug, p.version);
  const out = await request();
  expect(await releaseCounts(p.slug, p.version)).toEqual(before);
  return out;
}

describe("unreadable bodies", () => {
  it("refuses malformed JSON with 400 on every JSON endpoint", async () => {
    const p = await makeProject();
    const targets = [`${base(p)}/results`, `${base(p)}/metrics`, `/api/v1/projects/${p.slug}/releases`];
    for (const path of targets) {
      for (const body of ['{"environment": "staging",', "{'single': 'quotes'}", "[1, 2", "nul\u0000l", "{} trailing"]) {
        const response = await unchanged(p, () => api(path, { token: p.token, body, headers: { "content-type": "application/json" } }));
        const error = expectApiError(response, 400, "bad_request");
        expect(error.message).toMatch(/not valid JSON/);
      }
    }
  });

  it("refuses an empty or blank body with 400", async () => {
    const p = await makeProject();
    for (const path of [`${base(p)}/results`, `${base(p)}/metrics`]) {
      for (const body of ["", "   \n\t "]) {
        const response = await unchanged(p, () => api(path, { method: "POST", token: p.token, body, headers: { "content-type": "application/json" } }));
        expect(expectApiError(response, 400, "bad_request").message).toMatch(/empty/);
      }
    }
  });

  it("refuses bytes that are not UTF-8 with 400", async () => {
    const p = await makeProject();
    const prefix = new TextEncoder().encode('{"results":[{"key":"tests/smoke/x","status":"passed","message":"');
    const body = new Uint8Array([...prefix, 0xff, 0xfe, 0xc3, ...new TextEncoder().encode('"}]}')]);
    const response = await unchanged(p, () => send(`${base(p)}/results`, { token: p.token, body, headers: { "content-type": "application/json" } }));
    expect(expectApiError(response, 400, "bad_request").message).toMatch(/UTF-8/);
  });

  it("refuses a body that is not JSON by its Content-Type with 415, and accepts JSON with parameters or a +json suffix", async () => {
    const p = await makeProject();
    const body = JSON.stringify(smokeResults(p));
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "text/json"]) {
      const response = await unchanged(p, () => api(`${base(p)}/results`, { token: p.token, body, headers: { "content-type": type } }));
      expectApiError(response, 415, "unsupported_media_type");
    }
    for (const type of ["application/json; charset=utf-8", "application/vnd.shipcheck+json"]) {
      const accepted = await api(`${base(p)}/results`, { token: p.token, body, headers: { "content-type": type } });
      expect(accepted.status).toBe(201);
    }
  });
});

describe("invalid payloads are 422 with the offending paths", () => {
  const cases: { name: string; payload: (p: Project) => unknown; paths: string[] }[] = [
    { name: "results is missing", payload: (p) => ({ environment: "staging", commit: p.commit }), paths: ["results"] },
    { name: "results is empty", payload: () => ({ results: [] }), paths: ["results"] },
    { name: "results is an object", payload: () => ({ results: { key: "a", status: "passed" } }), paths: ["results"] },
    { name: "the body is an array", payload: (p) => [smokeResults(p)], paths: [""] },
    { name: "key is a number", payload: () => ({ results: [{ key: 42, status: "passed" }] }), paths: ["results.0.key"] },
    { name: "key is missing", payload: () => ({ results: [{ status: "passed" }] }), paths: ["results.0.key"] },
    { name: "key is empty", payload: () => ({ results: [{ key: "", status: "passed" }] }), paths: ["results.0.key"] },
    { name: "key holds a NUL", payload: () => ({ results: [{ key: "tests/smoke/a\u0000b", status: "passed" }] }), paths: ["results.0.key"] },
    { name: "status is unknown", payload: () => ({ results: [{ key: "tests/smoke/a", status: "passing" }] }), paths: ["results.0.status"] },
    { name: "status is upper case", payload: () => ({ results: [{ key: "tests/smoke/a", status: "PASSED" }] }), paths: ["results.0.status"] },
    { name: "durationMs is a string", payload: () => ({ results: [{ key: "tests/smoke/a", status: "passed", durationMs: "12" }] }), paths: ["results.0.durationMs"] },
    { name: "durationMs is negative", payload: () => ({ results: [{ key: "tests/smoke/a", status: "passed", durationMs: -1 }] }), paths: ["results.0.durationMs"] },
    { name: "durationMs is fractional", payload: () => ({ results: [{ key: "tests/smoke/a", status: "passed", durationMs: 1.5 }] }), paths: ["results.0.durationMs"] },
    { name: "message is a number", payload: () => ({ results: [{ key: "tests/smoke/a", status: "failed", message: 7 }] }), paths: ["results.0.message"] },
    { name: "an unknown top-level field", payload: (p) => ({ ...smokeResults(p), branch: "main" }), paths: [""] },
    { name: "an unknown result field", payload: () => ({ results: [{ key: "tests/smoke/a", status: "passed", retries: 2 }] }), paths: ["results.0"] },
    { name: "an unknown run field", payload: () => ({ run: { id: "1", attempt: 2 }, results: [{ key: "tests/smoke/a", status: "passed" }] }), paths: ["run"] },
    { name: "startedAt is not a timestamp", payload: () => ({ run: { startedAt: "yesterday" }, results: [{ key: "tests/smoke/a", status: "passed" }] }), paths: ["run.startedAt"] },
    { name: "run url is javascript:", payload: () => ({ run: { url: "javascript:alert(1)" }, results: [{ key: "tests/smoke/a", status: "passed" }] }), paths: ["run.url"] },
    { name: "environment is malformed", payload: () => ({ environment: "Staging!", results: [{ key: "tests/smoke/a", status: "passed" }] }), paths: ["environment"] },
    { name: "the second of two results is bad", payload: () => ({ results: [{ key: "tests/smoke/a", status: "passed" }, { key: "tests/smoke/b" }] }), paths: ["results.1.status"] },
  ];

  it.each(cases)("results: $name", async ({ payload, paths }) => {
    const p = await makeProject();
    const response = await unchanged(p, () => api(`${base(p)}/results`, { token: p.token, json: payload(p) }));
    const error = expectApiError(response, 422, "validation_failed");
    expect([...new Set(detailPaths(error))].sort()).toEqual([...paths].sort());
  });

  it("results: several problems are all reported at once", async () => {
    const p = await makeProject();
    const response = await unchanged(p, () =>
      api(`${base(p)}/results`, { token: p.token, json: { commit: "xyz", results: [{ key: 1, status: "ok" }] } }),
    );
    const error = expectApiError(response, 422, "validation_failed");
    expect(detailPaths(error)).toEqual(expect.arrayContaining(["commit", "results.0.key", "results.0.status"]));
    for (const detail of error.details!) expect(typeof detail.message).toBe("string");
  });

  it("problems are worded for people, each beside its field's path", async () => {
    const p = await makeProject();
    const response = await unchanged(p, () => api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: `v${"1".repeat(100)}`, commit: "xyz", template: "" } }));
    expect(expectApiError(response, 422, "validation_failed").details).toEqual([
      { path: "version", message: "The version is too long: it may have at most 100 characters." },
      { path: "commit", message: "A commit SHA is 7 to 64 hexadecimal characters." },
      { path: "template", message: "Enter the checklist." },
    ]);
  });

  it("metrics: wrong types, missing and unknown fields", async () => {
    const p = await makeProject();
    const metricCases: [unknown, string[]][] = [
      [{ metrics: [{ name: "events_per_sec", value: "812" }] }, ["metrics.0.value"]],
      [{ metrics: [{ name: "events_per_sec" }] }, ["metrics.0.value"]],
      [{ metrics: [{ value: 1 }] }, ["metrics.0.name"]],
      [{ metrics: [{ name: "events_per_sec", value: 1, tags: {} }] }, ["metrics.0"]],
      [{ metrics: [] }, ["metrics"]],
      [{ environment: "staging" }, ["metrics"]],
      [{ metrics: [{ name: "events_per_sec", value: 1 }], extra: true }, [""]],
    ];
    for (const [payload, paths] of metricCases) {
      const response = await unchanged(p, () => api(`${base(p)}/metrics`, { token: p.token, json: payload }));
      expect([...new Set(detailPaths(expectApiError(response, 422, "validation_failed")))]).toEqual(paths);
    }
  });

  it("metrics: a number too large for a double (JSON 1e999 is Infinity) is refused, not stored", async () => {
    const p = await makeProject();
    const body = '{"environment":"staging","metrics":[{"name":"events_per_sec","value":1e999}]}';
    const response = await unchanged(p, () => api(`${base(p)}/metrics`, { token: p.token, body, headers: { "content-type": "application/json" } }));
    expect(detailPaths(expectApiError(response, 422, "validation_failed"))).toEqual(["metrics.0.value"]);
  });

  it("an invalid commit SHA is refused for results and metrics", async () => {
    const p = await makeProject();
    for (const commit of ["abc", "g".repeat(40), `${p.commit}0`.repeat(2), "", " " + p.commit, 1234567]) {
      const results = await unchanged(p, () => api(`${base(p)}/results`, { token: p.token, json: { ...smokeResults(p), commit } }));
      expect(detailPaths(expectApiError(results, 422, "validation_failed"))).toEqual(["commit"]);
      const metrics = await unchanged(p, () => api(`${base(p)}/metrics`, { token: p.token, json: { ...throughput, commit } }));
      expect(detailPaths(expectApiError(metrics, 422, "validation_failed"))).toEqual(["commit"]);
    }
  });

  it("the same key twice in one report is refused, naming the second occurrence", async () => {
    const p = await makeProject();
    const response = await unchanged(p, () =>
      api(`${base(p)}/results`, {
        token: p.token,
        json: {
          environment: "staging",
          results: [
            { key: "tests/smoke/test_a.py::test_ok", status: "passed" },
            { key: "tests/smoke/test_b.py::test_ok", status: "passed" },
            { key: "tests/smoke/test_a.py::test_ok", status: "failed" },
          ],
        },
      }),
    );
    const error = expectApiError(response, 422, "validation_failed");
    expect(error.message).toContain("tests/smoke/test_a.py::test_ok");
    expect(detailPaths(error)).toEqual(["results.2.key"]);
  });

  it("the same metric twice in one request is refused", async () => {
    const p = await makeProject();
    const response = await unchanged(p, () =>
      api(`${base(p)}/metrics`, { token: p.token, json: { metrics: [{ name: "events_per_sec", value: 1 }, { name: "events_per_sec", value: 900 }] } }),
    );
    expect(expectApiError(response, 422, "validation_failed").message).toContain("events_per_sec");
  });
});

describe("unknown environments", () => {
  it("are 422 for results, metrics, the gate and sign-offs", async () => {
    const p = await makeProject();
    const results = await unchanged(p, () => api(`${base(p)}/results`, { token: p.token, json: { ...smokeResults(p), environment: "qa" } }));
    const resultsError = expectApiError(results, 422, "validation_failed");
    expect(detailPaths(resultsError)).toEqual(["environment"]);
    expect(resultsError.message).toContain("staging, production");

    const metrics = await unchanged(p, () => api(`${base(p)}/metrics`, { token: p.token, json: { ...throughput, environment: "qa" } }));
    expect(detailPaths(expectApiError(metrics, 422, "validation_failed"))).toEqual(["environment"]);

    const gate = await api(`${base(p)}/gate?environment=qa`, { token: p.token });
    expect(expectApiError(gate, 422, "validation_failed").message).toContain("qa");

    const manager = await makeUser(p.slug, "release-manager");
    const cookie = await signIn(manager.email, manager.password);
    const signOff = await unchanged(p, () =>
      api(`${base(p)}/items/release-approval/signoffs`, { json: { environment: "qa" }, headers: { cookie, origin: baseUrl() } }),
    );
    expect(detailPaths(expectApiError(signOff, 422, "validation_failed"))).toEqual(["environment"]);
  });
});

describe("unknown projects and releases", () => {
  it("are 404 on every endpoint, and an unknown release looks like one", async () => {
    const p = await makeProject();
    const manager = await makeUser(p.slug, "release-manager");
    const cookie = await signIn(manager.email, manager.password);
    const session = { cookie, origin: baseUrl() };
    const someId = "00000000-0000-4000-8000-000000000000";
    for (const prefix of [`/api/v1/projects/p-nope-${p.slug}/releases/${p.version}`, `/api/v1/projects/${p.slug}/releases/v9.9.9`]) {
      const responses = await unchanged(p, async () => [
        await api(prefix, { token: p.token }),
        await api(`${prefix}/gate?environment=staging`, { token: p.token }),
        await api(`${prefix}/results`, { token: p.token, json: smokeResults(p) }),
        await api(`${prefix}/metrics`, { token: p.token, json: throughput }),
        await api(`${prefix}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: session }),
        await api(`${prefix}/signoffs/${someId}/revoke`, { json: { reason: "mistake" }, headers: session }),
      ]);
      for (const response of responses) expectApiError(response, 404, "not_found");
    }
    const release = await api(`/api/v1/projects/p-nope-${p.slug}/releases`, {
      token: p.token,
      json: { version: "v2.0.0", commit: randomSha(), template: p.template },
    });
    expectApiError(release, 404, "not_found");
  });

  it("odd characters in the path (NUL, quotes, very long) are 404, not a 500", async () => {
    const p = await makeProject();
    const names = ["v1%000", "%00", "x'%22;--", "%E2%80%AE", "v".repeat(3000), "%F0%9F%92%A5"];
    for (const name of names) {
      const release = await api(`/api/v1/projects/${p.slug}/releases/${name}`, { token: p.token });
      expectApiError(release, 404, "not_found");
      const project = await api(`/api/v1/projects/${name}/releases/${p.version}/gate?environment=staging`, { token: p.token });
      expectApiError(project, 404, "not_found");
    }
  });
});

describe("body size limits", () => {
  it("refuses a results report over 25 MB with 413, even when it is otherwise valid", async () => {
    const p = await makeProject();
    const payload = JSON.stringify(smokeResults(p));
    const body = payload.replace(/}$/, " ".repeat(25 * 1024 * 1024 + 1 - payload.length) + "}");
    expect(Buffer.byteLength(body)).toBe(25 * 1024 * 1024 + 1);
    const response = await unchanged(p, () => send(`${base(p)}/results`, { token: p.token, body, headers: { "content-type": "application/json" } }));
    expect(expectApiError(response, 413, "payload_too_large").message).toContain(String(25 * 1024 * 1024));
  });

  it("refuses a report of more than 20,000 results with 413 naming the limit, in every format; exactly 20,000 are accepted", async () => {
    const p = await makeProject();
    const results = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `tests/bulk/test_${i}.py::test`, status: "passed" }));
    const json = await unchanged(p, () => send(`${base(p)}/results`, { token: p.token, body: JSON.stringify({ environment: "staging", results: results(100_000) }), headers: { "content-type": "application/json" } }));
    expect(expectApiError(json, 413, "payload_too_large").message).toBe(
      "a report holds at most 20,000 results; this one has 100,000: split it into smaller reports (by test job or shard) and post each with the same run",
    );
    const cases = Array.from({ length: 20_001 }, (_, i) => `<testcase classname="bulk" name="t${i}"/>`).join("");
    const junit = await unchanged(p, () => send(`${base(p)}/results?environment=staging`, { token: p.token, body: `<testsuite name="bulk">${cases}</testsuite>`, headers: { "content-type": "application/xml" } }));
    expect(expectApiError(junit, 413, "payload_too_large").message).toContain("at most 20,000 results");
    const fits = await send(`${base(p)}/results`, { token: p.token, body: JSON.stringify({ environment: "staging", results: results(20_000) }), headers: { "content-type": "application/json" } });
    expect(fits.status).toBe(201);
  }, 60_000);

  it("reads a report over 2 MB in a worker first: too many CTRF tests are a 413 with their count, broken JSON a 400", async () => {
    const p = await makeProject();
    const tests = Array.from({ length: 40_000 }, (_, i) => ({ name: `suite ${i} does what it says`, status: "passed", duration: 1 }));
    const ctrf = await unchanged(p, () =>
      send(`${base(p)}/results?environment=staging`, { token: p.token, body: JSON.stringify({ results: { tool: { name: "jest" }, tests } }), headers: { "content-type": "application/json" } }),
    );
    expect(expectApiError(ctrf, 413, "payload_too_large").message).toContain("this one has 40,000");
    const broken = JSON.stringify({ environment: "staging", results: tests.map((t) => ({ key: t.name, status: "passed" })) }).slice(0, -1);
    const invalid = await unchanged(p, () => send(`${base(p)}/results`, { token: p.token, body: broken, headers: { "content-type": "application/json" } }));
    expect(expectApiError(invalid, 400, "bad_request").message).toContain("not valid JSON");
  }, 60_000);

  it("refuses metrics over 1 MiB with 413 and accepts exactly 1 MiB", async () => {
    const p = await makeProject();
    const payload = JSON.stringify(throughput);
    const padded = (size: number) => payload.replace(/}$/, " ".repeat(size - payload.length) + "}");
    const over = await unchanged(p, () => send(`${base(p)}/metrics`, { token: p.token, body: padded(1024 * 1024 + 1), headers: { "content-type": "application/json" } }));
    expectApiError(over, 413, "payload_too_large");
    const exact = await send(`${base(p)}/metrics`, { token: p.token, body: padded(1024 * 1024), headers: { "content-type": "application/json" } });
    expect(exact.status).toBe(201);
  });

  it("refuses an oversized body sent without Content-Length (chunked)", async () => {
    const p = await makeProject();
    const payload = JSON.stringify(throughput);
    const body = payload.replace(/}$/, " ".repeat(2 * 1024 * 1024) + "}");
    const response = await unchanged(p, () =>
      send(`${base(p)}/metrics`, { token: p.token, body, chunked: true, headers: { "content-type": "application/json" } }),
    );
    expectApiError(response, 413, "payload_too_large");
  });

  it("refuses a sign-off comment body over 64 KiB with 413", async () => {
    const p = await makeProject();
    const manager = await makeUser(p.slug, "release-manager");
    const cookie = await signIn(manager.email, manager.password);
    const response = await unchanged(p, () =>
      send(`${base(p)}/items/release-approval/signoffs`, {
        body: JSON.stringify({ environment: "staging", comment: "x".repeat(65 * 1024) }),
        headers: { cookie, origin: baseUrl(), "content-type": "application/json" },
      }),
    );
    expectApiError(response, 413, "payload_too_large");
  });
});

describe("text that PostgreSQL or JSON find awkward", () => {
  it("accepts NUL characters in a result message, storing them as U+FFFD", async () => {
    const p = await makeProject();
    const message = "AssertionError: expected\u0000got \u0000\u0000 end";
    const response = await api(`${base(p)}/results`, {
      token: p.token,
      json: { environment: "staging", results: [{ key: "tests/smoke/test_nul.py::test", status: "failed", message }] },
    });
    expect(response.status).toBe(201);
    const { releaseId } = await releaseRow(p.slug, p.version);
    const row = await db().result.findFirstOrThrow({ where: { releaseId, key: "tests/smoke/test_nul.py::test" } });
    expect(row.message).toBe(message.replaceAll("\u0000", "\uFFFD"));
  });

  it("accepts a message with a lone UTF-16 surrogate (valid JSON escape, invalid Unicode)", async () => {
    const p = await makeProject();
    const body = `{"environment":"staging","results":[{"key":"tests/smoke/test_s.py::test","status":"failed","message":"half \\ud800 a pair"}]}`;
    const response = await api(`${base(p)}/results`, { token: p.token, body, headers: { "content-type": "application/json" } });
    expect(response.status).toBe(201);
    const { releaseId } = await releaseRow(p.slug, p.version);
    const row = await db().result.findFirstOrThrow({ where: { releaseId, key: "tests/smoke/test_s.py::test" } });
    expect(row.message).toMatch(/^half .+ a pair$/);
  });
});

describe("the gate query", () => {
  it("needs ?environment: 400 without it or with it empty", async () => {
    const p = await makeProject();
    for (const query of ["", "?environment=", "?env=staging"]) {
      const response = await api(`${base(p)}/gate${query}`, { token: p.token });
      expect(expectApiError(response, 400, "bad_request").message).toContain("environment");
    }
  });
});

describe("addresses under /api/ that no route serves", () => {
  it("are a JSON 404 for every method, naming the address and where the API is described; never HTML", async () => {
    const p = await makeProject();
    for (const [method, path] of [
      ["GET", "/api/nope"],
      ["POST", "/api/v1/nothing/here"],
      ["DELETE", `${base(p)}/no-such-part`],
      ["PUT", `/api/v1/projects/${p.slug}/releases/${p.version}/items/a/b/c/d`],
      ["GET", `/api/v1/${"x".repeat(1000)}`],
    ] as const) {
      const response = await api(path, { method, token: p.token, ...(method === "GET" ? {} : { json: {} }) });
      expect(response.status, `${method} ${path.slice(0, 60)}`).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.body.error.code).toBe("not_found");
      expect(response.body.error.message).toContain("/api/v1/openapi.json");
      expect(response.body.error.message.length).toBeLessThan(400);
    }
    // Real routes are untouched by the catch-all.
    expect((await api(`${base(p)}/gate?environment=staging`, { token: p.token })).status).toBe(200);
    expect((await api("/api/health")).status).toBe(200);
  });
});

describe("a method a route does not have", () => {
  it("is a JSON 405 naming the methods there are, in Allow too; the route still answers its own", async () => {
    const p = await makeProject();
    for (const [method, path, allowed] of [
      ["DELETE", "/api/health", ["GET", "HEAD"]],
      ["PATCH", `${base(p)}/results`, ["POST"]],
      ["PUT", `${base(p)}/gate?environment=staging`, ["GET", "HEAD"]],
    ] as const) {
      const response = await api(path, { method, token: p.token, json: {} });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.body.error.code).toBe("method_not_allowed");
      const allow = (response.headers.get("allow") ?? "").split(",").map((m) => m.trim());
      for (const m of allowed) expect(allow).toContain(m);
      expect(allow).not.toContain(method);
      expect(response.body.error.message).toContain(`${method} is not allowed at ${path.split("?")[0]}`);
    }
    expect((await api(`${base(p)}/gate?environment=staging`, { token: p.token })).status).toBe(200);
  });
});

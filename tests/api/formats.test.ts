// Results as CI runners write them: JUnit XML (from a real pytest run) and CTRF, over HTTP;
// hostile XML refused with nothing stored.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { makeProject } from "../support/fixtures";
import { api } from "../support/http";

type Project = Awaited<ReturnType<typeof makeProject>>;

const fixture = (path: string) => readFileSync(`lib/ingest/__fixtures__/${path}`, "utf8");
const resultsPath = (p: Project, query = "") => `/api/v1/projects/${p.slug}/releases/${p.version}/results${query}`;

async function storedResults(p: Project) {
  const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
  const release = await db().release.findUniqueOrThrow({ where: { projectId_version: { projectId: project.id, version: p.version } } });
  return db().result.findMany({ where: { releaseId: release.id }, orderBy: { key: "asc" } });
}

describe("JUnit XML", () => {
  it("takes pytest's report with pytest-style keys; environment and run come from the query", async () => {
    const p = await makeProject();
    const response = await api(resultsPath(p, "?environment=staging&runId=77&runUrl=https%3A%2F%2Fci.example%2F77"), {
      token: p.token,
      body: fixture("pytest/report.xml"),
      headers: { "content-type": "application/xml" },
    });
    expect(response.status).toBe(201);
    const rows = await storedResults(p);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get("tests/test_sample.py::TestThing::test_passes")?.status).toBe("passed");
    expect(byKey.get("tests/test_sample.py::TestThing::test_fails")).toMatchObject({ status: "failed", environment: "staging", runId: "77", runUrl: "https://ci.example/77", source: "junit" });
    expect(byKey.get("tests/test_sample.py::TestThing::test_fails")?.message).toContain("AssertionError: release name mismatch");
    expect(byKey.get("tests/test_sample.py::TestThing::test_skipped")?.status).toBe("skipped");
    expect(byKey.get("tests/api/test_nested.py::TestOuter::TestInner::test_deep")?.status).toBe("passed");
    expect(byKey.has("tests/test_sample.py::test_add[1-2-3]")).toBe(true);
    expect(response.body.accepted).toBe(rows.length);
  });

  it("accepts text/xml and ?format=junit as well", async () => {
    const p = await makeProject();
    const xml = fixture("node/report.xml");
    expect((await api(resultsPath(p), { token: p.token, body: xml, headers: { "content-type": "text/xml" } })).status).toBe(201);
    const q = await makeProject();
    expect((await api(resultsPath(q, "?format=junit"), { token: q.token, body: xml, headers: { "content-type": "application/octet-stream" } })).status).toBe(201);
  });

  const hostile: [string, string][] = [
    ["an external entity (XXE)", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuite><testcase name="a&x;"/></testsuite>`],
    ["billion laughs", `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><testsuite><testcase name="&c;"/></testsuite>`],
    ["malformed XML", `<testsuite><testcase name="a"></testsuite>`],
    ["a report without test cases", `<testsuites><testsuite name="empty"/></testsuites>`],
  ];
  for (const [what, xml] of hostile) {
    it(`refuses ${what} with a 4xx JSON error and stores nothing`, async () => {
      const p = await makeProject();
      const response = await api(resultsPath(p, "?environment=staging"), { token: p.token, body: xml, headers: { "content-type": "application/xml" } });
      expect([400, 422]).toContain(response.status);
      expect(typeof response.body.error.message).toBe("string");
      expect(response.body.error.message).not.toContain("root:");
      expect(await storedResults(p)).toHaveLength(0);
    });
  }

  it("keeps a <script> in a failure message as text", async () => {
    const p = await makeProject();
    const xml = `<testsuite name="s"><testcase classname="tests.test_x" name="test_y" file="tests/test_x.py"><failure message="&lt;script&gt;alert(1)&lt;/script&gt;"><![CDATA[<img src=x onerror=alert(2)>]]></failure></testcase></testsuite>`;
    expect((await api(resultsPath(p), { token: p.token, body: xml, headers: { "content-type": "application/xml" } })).status).toBe(201);
    const [row] = await storedResults(p);
    expect(row?.message).toContain("<script>alert(1)</script>");
    expect(row?.message).toContain("<img src=x onerror=alert(2)>");
  });
});

describe("CTRF", () => {
  it("takes a CTRF report by ?format=ctrf, and by its shape as application/json, with flaky tests", async () => {
    const report = fixture("ctrf/ctrf-1.0.json");
    for (const query of ["?format=ctrf&environment=staging", "?environment=staging"]) {
      const p = await makeProject();
      const response = await api(resultsPath(p, query), { token: p.token, body: report, headers: { "content-type": "application/json" } });
      expect(response.status).toBe(201);
      const rows = await storedResults(p);
      expect(rows.length).toBe(response.body.accepted);
      expect(rows.every((r) => r.source === "ctrf" && r.environment === "staging")).toBe(true);
      expect(rows.some((r) => r.status === "flaky")).toBe(true);
    }
  });

  it("refuses an invalid CTRF report (422) and stores nothing", async () => {
    const p = await makeProject();
    const response = await api(resultsPath(p, "?format=ctrf"), { token: p.token, json: { results: { tool: { name: "x" }, tests: [{ name: 5 }] } } });
    expect(response.status).toBe(422);
    expect(await storedResults(p)).toHaveLength(0);
  });
});

it("an unknown ?format is 400", async () => {
  const p = await makeProject();
  const response = await api(resultsPath(p, "?format=tap"), { token: p.token, json: { results: [] } });
  expect(response.status).toBe(400);
  expect(response.body.error.message).toMatch(/unknown format/);
});

describe("keys relative to the repository, and variants", () => {
  const TEMPLATE = `name: reporters-checklist
sections:
  - title: Checks
    phase: pre-deploy
    items:
      - { key: checkout, title: Checkout tests, kind: check, patterns: ["tests/smoke/checkout.test.js"] }
      - { key: e2e, title: Browser tests, kind: check, patterns: ["tests/smoke/checkout.spec.ts::checkout::cart"] }
`;
  // jest-ctrf-json-reporter's real report, as if the runner had checked out into /srv/ci/shop.
  const jestCtrf = () => fixture("jest/ctrf.json").replaceAll("/home/runner/work/app/app/", "/srv/ci/shop/");
  const post = (p: Project, query: string, body: string) => api(resultsPath(p, query), { token: p.token, body, headers: { "content-type": "application/json" } });

  it("recognises a GitHub runner's checkout without baseDir", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const response = await post(p, "?environment=staging", fixture("jest/ctrf.json"));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ accepted: 7, matched: [{ item: "checkout", results: 7 }], unmatchedCount: 0, warnings: [] });
    expect((await storedResults(p)).map((r) => r.key)).toContain("tests/smoke/checkout.test.js::checkout::cart::passes on retry");
  });

  it("keeps absolute keys it cannot make relative, and warns; ?baseDir= makes them relative", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const without = await post(p, "?environment=staging", jestCtrf());
    expect(without.status).toBe(201);
    expect(without.body).toMatchObject({ accepted: 7, matched: [], unmatchedCount: 7 });
    expect(without.body.warnings).toEqual([expect.stringMatching(/^7 results keyed by the absolute path \/srv\/ci\/shop\/tests\/smoke\/checkout\.test\.js: pass baseDir/)]);
    expect((await storedResults(p)).every((r) => r.key.startsWith("/srv/ci/shop/tests/smoke/checkout.test.js::"))).toBe(true);

    const q = await makeProject({ template: TEMPLATE });
    const withBase = await post(q, `?environment=staging&baseDir=${encodeURIComponent("/srv/ci/shop")}`, jestCtrf());
    expect(withBase.status).toBe(201);
    expect(withBase.body).toMatchObject({ matched: [{ item: "checkout", results: 7 }], unmatchedCount: 0, warnings: [] });
    const rows = await storedResults(q);
    expect(rows.find((r) => r.key === "tests/smoke/checkout.test.js::checkout::cart::passes on retry")?.status).toBe("flaky");
  });

  it("refuses a baseDir that is not absolute (422) and stores nothing", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const response = await post(p, "?baseDir=tests", jestCtrf());
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/baseDir/);
    expect(await storedResults(p)).toHaveLength(0);
  });

  it("stores a Playwright project as the variant: the same key once per browser", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const response = await post(p, "?environment=staging", fixture("playwright-ci/ctrf.json"));
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ accepted: 14, matched: [{ item: "e2e", results: 12 }] });
    const rows = (await storedResults(p)).filter((r) => r.key === "tests/smoke/checkout.spec.ts::checkout::cart::passes on retry");
    expect(rows.map((r) => [r.variant, r.status]).sort()).toEqual([
      ["chromium", "flaky"],
      ["firefox", "flaky"],
    ]);
    // The same key twice in one Shipcheck JSON report is still refused, unless the variants differ.
    const twice = (variants: (string | null)[]) => ({ results: variants.map((variant) => ({ key: "tests/e2e.spec.ts::a", status: "passed", variant })) });
    expect((await api(resultsPath(p), { token: p.token, json: twice(["chromium", "firefox"]) })).status).toBe(201);
    expect((await api(resultsPath(p), { token: p.token, json: twice(["chromium", "chromium"]) })).status).toBe(422);
  });
});

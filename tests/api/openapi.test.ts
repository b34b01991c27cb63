// GET /api/v1/openapi.json against the running app: an OpenAPI 3.1 document that covers every route
// file, whose schemas are generated from the zod schemas in lib/openapi, and whose response schemas
// real responses actually match (strictly: a field a use case adds without documenting it fails).
import examples from "@octokit/webhooks-examples";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { hashPassword } from "@/lib/auth/password";
import { hashToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db/client";
import { COMPONENT_SCHEMAS, documentedResponse, OPERATIONS, openApiDocument, type HttpMethod, type SchemaName } from "@/lib/openapi/document";
import type { ServerContext } from "@/lib/server/context";
import { createRelease } from "@/lib/server/create-release";
import { rateLimitPerMinute } from "@/lib/server/rate-limit";
import { setGithubLink } from "@/lib/server/set-github-link";
import { makeProject, makeToken, randomSha, uniqueSuffix } from "../support/fixtures";
import { deploymentHook } from "../support/gitlab-api";
import { openEventStream } from "../../scripts/lib/event-stream-client";
import { api, baseUrl, type ApiResponse } from "../support/http";
import { send } from "../support/raw";
import { person } from "../support/templates";

type Json = Record<string, unknown>;
// The served document is read dynamically, like every response body in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDocument = any;

const system: ServerContext = { principal: { kind: "system", label: "test-fixture" } };
const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

let served: AnyDocument;

beforeAll(async () => {
  const response = await api("/api/v1/openapi.json");
  expect(response.status).toBe(200);
  served = response.body;
});

/** What the document says for a schema: z.toJSONSchema of it, without `$schema` (that is the document's jsonSchemaDialect). */
function expectedJsonSchema(name: SchemaName): Json {
  const { schema, io } = COMPONENT_SCHEMAS[name];
  const { $schema: dialect, ...rest } = z.toJSONSchema(schema, { io }) as Json;
  expect(dialect).toBe("https://json-schema.org/draft/2020-12/schema");
  return rest;
}

function resolve(ref: string): AnyDocument {
  expect(ref).toMatch(/^#\//);
  return ref
    .slice(2)
    .split("/")
    .reduce((node: AnyDocument, part) => node?.[part.replaceAll("~1", "/").replaceAll("~0", "~")], served);
}

/**
 * A real response checked against the served document: its status is documented for the
 * operation, the body parses with the documented zod schema, the document's schema for it is
 * exactly that zod schema's JSON Schema, the content type and required headers are there.
 */
function conforms<T = AnyDocument>(template: string, method: HttpMethod, response: ApiResponse, mediaType = "application/json"): T {
  const where = `${method.toUpperCase()} ${template} → ${response.status}`;
  const documented = documentedResponse(template, method, response.status);
  if (!documented) throw new Error(`${where} is not in the document: ${JSON.stringify(response.body).slice(0, 400)}`);
  const parsed = documented.schema.safeParse(response.body);
  if (!parsed.success) throw new Error(`${where} does not match ${documented.name}:\n${z.prettifyError(parsed.error)}\n${JSON.stringify(response.body).slice(0, 600)}`);

  let declared = served.paths[template]?.[method]?.responses?.[String(response.status)];
  expect(declared, where).toBeDefined();
  if (declared.$ref) declared = resolve(declared.$ref);
  const media = declared.content?.[mediaType];
  expect(media, `${where}: no ${mediaType} content in the document`).toBeDefined();
  expect(media.schema).toEqual({ $ref: `#/components/schemas/${documented.name}` });
  expect(resolve(media.schema.$ref)).toEqual(expectedJsonSchema(documented.name));
  expect(response.headers.get("content-type") ?? "", where).toMatch(new RegExp(`^${mediaType.replace("+", "\\+")}\\b`));
  for (const [name, header] of Object.entries(declared.headers ?? {}) as [string, { $ref: string }][]) {
    if (resolve(header.$ref).required) expect(response.headers.get(name), `${where}: header ${name}`).not.toBeNull();
  }
  return response.body as T;
}

const isError = (template: string, method: HttpMethod, response: ApiResponse, status: number, code: string) => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  const body = conforms<{ error: { code: string; message: string } }>(template, method, response);
  expect(body.error.code).toBe(code);
  return body.error;
};

// ---------------------------------------------------------------------------------------------
// Route files

async function routeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? routeFiles(path.join(dir, e.name)) : Promise.resolve(e.name === "route.ts" ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat();
}

/** HTTP methods a route file exports: `export const GET`, `export function POST`, `export { handler as GET }`. */
function exportedMethods(source: string): string[] {
  const methods = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|let|(?:async\s+)?function)\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) methods.add(m[1]!);
  for (const block of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const m of block[1]!.matchAll(/\bas\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)) methods.add(m[1]!);
  }
  return [...methods].map((m) => m.toLowerCase()).sort();
}

async function routes(): Promise<Map<string, string[]>> {
  const root = path.join(process.cwd(), "app");
  const files = [...(await routeFiles(path.join(root, "api", "v1"))), path.join(root, "api", "health", "route.ts"), path.join(root, "api", "metrics", "route.ts")];
  const map = new Map<string, string[]>();
  for (const file of files) {
    const urlPath = "/" + path.relative(root, path.dirname(file)).split(path.sep).map((part) => part.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
    map.set(urlPath, exportedMethods(await readFile(file, "utf8")));
  }
  return map;
}

describe("the document", () => {
  it("is served without credentials as OpenAPI 3.1: every path has operations, every operation responses, every $ref resolves", async () => {
    const response = await api("/api/v1/openapi.json");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(served.openapi).toMatch(/^3\.1\.\d+$/);
    expect(served.jsonSchemaDialect).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(served.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(served.components.securitySchemes).sort()).toEqual(["apiToken", "session"]);
    expect(served.components.securitySchemes.apiToken).toMatchObject({ type: "http", scheme: "bearer" });

    const operationIds = new Set<string>();
    for (const [template, item] of Object.entries(served.paths as Record<string, Json>)) {
      expect(template).toMatch(/^\/api\//);
      const operations = Object.keys(item).filter((k) => (METHODS as readonly string[]).includes(k));
      expect(operations.length, template).toBeGreaterThan(0);
      for (const method of operations) {
        const operation = item[method] as AnyDocument;
        expect(Object.keys(operation.responses).length, `${method} ${template}`).toBeGreaterThan(0);
        for (const status of Object.keys(operation.responses)) expect(status).toMatch(/^[1-5]\d\d$/);
        expect(operationIds.has(operation.operationId), operation.operationId).toBe(false);
        operationIds.add(operation.operationId);
        // Every path parameter in the template is declared, and only those.
        const declared = (operation.parameters ?? []).filter((p: { in: string }) => p.in === "path").map((p: { name: string }) => p.name);
        expect(declared.sort(), `${method} ${template}`).toEqual([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
      }
    }

    const refs = JSON.stringify(served).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of new Set(refs.map((r) => r.slice(8, -1)))) expect(resolve(ref), ref).toBeDefined();
    // No JSON Schema `$defs` references that would resolve against the wrong document.
    expect(JSON.stringify(served)).not.toContain("#/$defs/");
  });

  it("is what lib/openapi builds, and each of its schemas is exactly z.toJSONSchema of the zod schema it names", () => {
    expect(served).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(Object.keys(served.components.schemas).sort()).toEqual(Object.keys(COMPONENT_SCHEMAS).sort());
    for (const name of Object.keys(COMPONENT_SCHEMAS) as SchemaName[]) expect(served.components.schemas[name], name).toEqual(expectedJsonSchema(name));
    // Request bodies are the schemas the handlers validate with.
    const body = (template: string, method: string, type = "application/json") => served.paths[template][method].requestBody.content[type].schema;
    const release = "/api/v1/projects/{project}/releases/{version}";
    expect(body("/api/v1/projects/{project}/releases", "post")).toEqual({ $ref: "#/components/schemas/CreateRelease" });
    expect(body(`${release}/results`, "post").oneOf).toEqual([{ $ref: "#/components/schemas/ResultsPayload" }, { $ref: "#/components/schemas/CtrfReport" }]);
    expect(body(`${release}/results`, "post", "application/xml")).toMatchObject({ type: "string" });
    expect(body(`${release}/metrics`, "post")).toEqual({ $ref: "#/components/schemas/MetricsPayload" });
    expect(body(`${release}/items/{itemKey}/signoffs`, "post")).toEqual({ $ref: "#/components/schemas/SignOffInput" });
    expect(body("/api/v1/projects/{project}/templates/{name}", "put")).toEqual({ $ref: "#/components/schemas/Template" });
    expect(body("/api/v1/projects/{project}/templates/{name}", "put", "application/yaml")).toMatchObject({ type: "string" });
    expect(body("/api/v1/projects/{project}/templates/{name}/import", "post", "text/markdown")).toMatchObject({ type: "string" });
    expect(body("/api/v1/webhooks/alertmanager", "post")).toEqual({ $ref: "#/components/schemas/AlertmanagerPayload" });
    // Idempotency-Key where retries must not double-count; Retry-After on every 429.
    for (const endpoint of [`${release}/results`, `${release}/metrics`]) {
      expect(served.paths[endpoint].post.parameters.map((p: { name: string }) => p.name)).toContain("Idempotency-Key");
      expect(served.paths[endpoint].post.responses["429"]).toEqual({ $ref: "#/components/responses/RateLimited" });
    }
    expect(served.components.responses.RateLimited.headers["Retry-After"]).toEqual({ $ref: "#/components/headers/Retry-After" });
    // The error shape for every 4xx.
    for (const [name, response] of Object.entries(served.components.responses as Record<string, AnyDocument>)) {
      expect(response.content["application/json"].schema, name).toEqual({ $ref: `#/components/schemas/${name === "InternalError" ? "InternalError" : "Error"}` });
    }
    // Sign-offs are people's: the cookie only. The GitHub webhook authenticates by signature.
    expect(served.paths[`${release}/items/{itemKey}/signoffs`].post.security).toEqual([{ session: [] }]);
    expect(served.paths["/api/v1/webhooks/github"].post.security).toEqual([]);
    expect(served.paths["/api/v1/webhooks/github"].post.parameters.map((p: { name: string }) => p.name)).toEqual(["X-GitHub-Event", "X-GitHub-Delivery", "X-Hub-Signature-256"]);
    expect(served.paths["/api/health"].get.security).toEqual([]);
  });

  it("covers every method exported by every route file under app/api/v1 (and /api/health, /api/metrics), and documents nothing else", async () => {
    const files = await routes();
    expect(files.size).toBeGreaterThanOrEqual(16);
    for (const [template, methods] of files) {
      expect(methods.length, `${template} exports no HTTP method`).toBeGreaterThan(0);
      for (const method of methods) expect(served.paths[template]?.[method], `${method.toUpperCase()} ${template} is not documented`).toBeDefined();
    }
    for (const [template, item] of Object.entries(served.paths as Record<string, Json>)) {
      for (const method of Object.keys(item).filter((k) => (METHODS as readonly string[]).includes(k))) {
        expect(files.get(template) ?? [], `${method.toUpperCase()} ${template} is documented but has no route`).toContain(method);
      }
    }
    expect(OPERATIONS.length).toBe([...files.values()].flat().length);
  });
});

// ---------------------------------------------------------------------------------------------
// Real requests

const TEMPLATE = `
name: openapi-checklist
description: Every kind of item, for the OpenAPI conformance test.
sections:
  - title: Pre-deploy checks
    phase: pre-deploy
    items:
      - key: smoke-tests
        title: Smoke tests pass
        kind: check
        patterns: ["tests/smoke/*"]
      - key: event-throughput
        title: Throughput above 500 events/s
        kind: metric
        metric: events_per_sec
        operator: ">"
        threshold: 500
        unit: events/s
      - key: ws-events
        title: WebSocket events visible on staging
        kind: manual
        role: engineer
        steps: [agent_started, agent_completed]
      - key: release-approval
        title: Release manager approval
        kind: manual
        role: release-manager
  - title: Rollback criteria
    phase: rollback
    items:
      - key: rollback-smoke
        title: Smoke tests fail after deploy
        kind: watch
        check: "tests/smoke/*"
      - key: rollback-alert
        title: Missing events alert fires
        kind: watch
        alert: MissingWebSocketEvents
guardedPaths:
  - path: app/agents/registry.py
    note: the agent registry
    checks: [tests/mission_critical/]
rollback:
  instructions: Roll back to the previous revision.
`;

const P = {
  releases: "/api/v1/projects/{project}/releases",
  release: "/api/v1/projects/{project}/releases/{version}",
  events: "/api/v1/projects/{project}/releases/{version}/events",
  gate: "/api/v1/projects/{project}/releases/{version}/gate",
  results: "/api/v1/projects/{project}/releases/{version}/results",
  history: "/api/v1/projects/{project}/releases/{version}/results/history",
  metrics: "/api/v1/projects/{project}/releases/{version}/metrics",
  deployments: "/api/v1/projects/{project}/releases/{version}/deployments",
  signoffs: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/signoffs",
  steps: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/steps",
  revoke: "/api/v1/projects/{project}/releases/{version}/signoffs/{signOffId}/revoke",
  rejections: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/rejections",
  assignee: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/assignee",
  templates: "/api/v1/projects/{project}/templates",
  template: "/api/v1/projects/{project}/templates/{name}",
  importTemplate: "/api/v1/projects/{project}/templates/{name}/import",
  github: "/api/v1/webhooks/github",
  alertmanager: "/api/v1/webhooks/alertmanager",
  password: "/api/v1/me/password",
  mySessions: "/api/v1/me/sessions",
  memberSessions: "/api/v1/projects/{project}/members/{userId}/sessions",
  webhooks: "/api/v1/projects/{project}/webhooks",
  webhook: "/api/v1/projects/{project}/webhooks/{webhookId}",
  deliveries: "/api/v1/projects/{project}/webhooks/{webhookId}/deliveries",
  redeliver: "/api/v1/projects/{project}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
  notifications: "/api/v1/me/notifications",
  prometheus: "/api/v1/projects/{project}/data-sources/prometheus",
  gitlab: "/api/v1/webhooks/gitlab",
  gitlabLink: "/api/v1/projects/{project}/integrations/gitlab",
  gitlabToken: "/api/v1/projects/{project}/integrations/gitlab/webhook-token",
  badgeKey: "/api/v1/projects/{project}/badge-key",
  badge: "/api/v1/badges/{key}/{release}/{environment}",
} as const;

/** A URL from a path template: `url(P.gate, { project, version })`. */
const url = (template: string, params: Record<string, string>, query = "") =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`)) + query;

type Project = Awaited<ReturnType<typeof makeProject>>;
const at = (p: Project, extra: Record<string, string> = {}) => ({ project: p.slug, version: p.version, ...extra });

describe("real responses match the document", () => {
  it("health, this document and the template JSON Schema", async () => {
    const health = conforms("/api/health", "get", await api("/api/health"));
    expect(health.status).toBe("ok");
    conforms("/api/v1/openapi.json", "get", await api("/api/v1/openapi.json"));
    conforms("/api/v1/schemas/template.json", "get", await api("/api/v1/schemas/template.json"), "application/schema+json");
  });

  it("the audit trail and the evidence pack, and the public key they are signed with (no credentials needed for that one)", async () => {
    const p = await makeProject();
    const release = "/api/v1/projects/{project}/releases/{version}";
    const trail = conforms<{ signingKey: unknown; checkpoints: unknown[] }>(`${release}/audit`, "get", await api(url(`${release}/audit`, at(p)), { token: p.token }));
    const pack = conforms<{ signingKey: unknown }>(`${release}/evidence-pack`, "get", await api(url(`${release}/evidence-pack`, at(p)), { token: p.token }));
    const key = conforms("/api/v1/audit/public-key", "get", await api("/api/v1/audit/public-key"));
    expect(trail.checkpoints.length).toBeGreaterThan(0);
    expect(trail.signingKey).toEqual(key);
    expect(pack.signingKey).toEqual(key);
    expect(served.paths["/api/v1/audit/public-key"].get.security).toEqual([]);
  });

  it("releases: create 201 (with guarded paths), duplicate 409, read 200, unknown 404, no credentials 401, bad body 400/415/422", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const create = (body: unknown) => api(url(P.releases, at(p)), { token: p.token, json: body });
    const commit = randomSha();
    const created = conforms(P.releases, "post", await create({ version: "v1.1.0", commit, template: "openapi-checklist", changedFiles: ["app/agents/registry.py"] }));
    expect(created).toEqual({ version: "v1.1.0", commit, status: "in_progress" });
    isError(P.releases, "post", await create({ version: "v1.1.0", commit, template: "openapi-checklist" }), 409, "conflict");
    isError(P.releases, "post", await create({ version: "v1.2.0", commit: "not-a-sha", template: "openapi-checklist" }), 422, "validation_failed");
    isError(P.releases, "post", await create({ version: "v1.2.0", commit, template: "nope" }), 404, "not_found");
    isError(P.releases, "post", await api(url(P.releases, at(p)), { token: p.token, body: "{", headers: { "content-type": "application/json" } }), 400, "bad_request");
    isError(P.releases, "post", await api(url(P.releases, at(p)), { token: p.token, body: "version: v2", headers: { "content-type": "text/yaml" } }), 415, "unsupported_media_type");

    const state = conforms(P.release, "get", await api(url(P.release, at(p, { version: "v1.1.0" })), { token: p.token }));
    expect(state.sections.map((s: { title: string }) => s.title)).toEqual(["Pre-deploy checks", "Rollback criteria", "Guarded paths changed"]);
    expect(state.rollbackInstructions).toBe("Roll back to the previous revision.");
    isError(P.release, "get", await api(url(P.release, at(p, { version: "v9.9.9" })), { token: p.token }), 404, "not_found");
    const anonymous = await api(url(P.release, at(p)));
    isError(P.release, "get", anonymous, 401, "unauthorized");
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    isError(P.release, "get", await api(url(P.release, at(p)), { token: "shp_not-a-real-token" }), 401, "unauthorized");
  });

  it("release events: 200 as a text/event-stream, errors 401, 403 and 404 as documented", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const stream = await openEventStream(`${baseUrl()}${url(P.events, at(p))}`, { authorization: `Bearer ${p.token}` });
    stream.close();
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream\b/);
    expect(Object.keys(served.paths[P.events].get.responses["200"].content)).toEqual(["text/event-stream"]);
    expect(served.paths[P.events].get.responses["503"]).toEqual({ $ref: "#/components/responses/ServiceUnavailable" });
    isError(P.events, "get", await api(url(P.events, at(p))), 401, "unauthorized");
    isError(P.events, "get", await api(url(P.events, at(p)), { token: await makeToken(p.slug, ["results:write"]) }), 403, "forbidden");
    isError(P.events, "get", await api(url(P.events, at(p, { version: "v9.9.9" })), { token: p.token }), 404, "not_found");
  });

  it("results and metrics: 201 reports, Idempotency-Key replay and reuse, 400, 403, 404, 413, 415, 422, 429", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const results = {
      environment: "staging",
      run: { id: "42", url: "https://ci.example/runs/42", startedAt: new Date().toISOString() },
      results: [
        { key: "tests/smoke/test_a.py::test_ok", status: "passed", durationMs: 12 },
        { key: "tests/smoke/test_b.py::test_ok", status: "failed", message: "AssertionError: 1 != 2" },
        { key: "tests/other/test_c.py::test_unmatched", status: "skipped" },
      ],
    };
    const post = (body: unknown, headers?: Record<string, string>) => api(url(P.results, at(p)), { token: p.token, json: body, headers });
    const key = randomUUID();
    const first = await post(results, { "idempotency-key": key });
    const report = conforms(P.results, "post", first);
    expect(report).toMatchObject({ accepted: 3, countsForRelease: true, unmatched: ["tests/other/test_c.py::test_unmatched"], unmatchedCount: 1 });
    // The watch item's pattern covers the smoke tests too.
    expect(report.matched).toEqual([
      { item: "smoke-tests", results: 2 },
      { item: "rollback-smoke", results: 2 },
    ]);
    expect(Object.keys(report.gate)).toEqual(["staging"]);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const replay = await post(results, { "idempotency-key": key });
    expect(conforms(P.results, "post", replay)).toEqual(report);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    isError(P.results, "post", await post({ ...results, environment: "production" }, { "idempotency-key": key }), 422, "validation_failed");
    isError(P.results, "post", await post(results, { "idempotency-key": "has spaces" }), 400, "bad_request");

    // Without an environment the gate comes back for every environment.
    const everywhere = conforms(P.results, "post", await post({ results: [{ key: "tests/smoke/test_c.py::test_ok", status: "flaky" }] }));
    expect(Object.keys(everywhere.gate)).toEqual(["staging", "production"]);

    // JUnit XML with the run in query parameters, and CTRF recognised by its shape: the same report.
    const xml = '<testsuite name="pytest" tests="1"><testcase classname="tests.smoke.test_x" name="test_ok" time="0.01"/></testsuite>';
    const junit = await api(url(P.results, at(p), "?environment=staging&runId=9"), { token: p.token, body: xml, headers: { "content-type": "application/xml" } });
    expect(conforms(P.results, "post", junit)).toMatchObject({ accepted: 1, matched: [{ item: "smoke-tests", results: 1 }, { item: "rollback-smoke", results: 1 }] });
    const ctrf = { results: { tool: { name: "jest" }, summary: { start: Date.now(), stop: Date.now() }, tests: [{ name: "test_ok", status: "passed", duration: 3, filePath: "tests/smoke/test_y.py" }] } };
    expect(conforms(P.results, "post", await post(ctrf))).toMatchObject({ accepted: 1 });
    const brokenXml = await api(url(P.results, at(p)), { token: p.token, body: "<testsuite><testcase", headers: { "content-type": "application/xml" } });
    expect([400, 422]).toContain(brokenXml.status);
    conforms(P.results, "post", brokenXml);

    const invalid = isError(P.results, "post", await post({ results: [{ key: "k", status: "green" }] }), 422, "validation_failed");
    expect(invalid.message.length).toBeGreaterThan(0);
    isError(P.results, "post", await post({ environment: "qa", results: [{ key: "k", status: "passed" }] }), 422, "validation_failed");
    isError(P.results, "post", await api(url(P.results, at(p)), { token: p.token, body: "{not json", headers: { "content-type": "application/json" } }), 400, "bad_request");
    isError(P.results, "post", await api(url(P.results, at(p)), { token: p.token, body: "a,b", headers: { "content-type": "text/csv" } }), 415, "unsupported_media_type");
    isError(P.results, "post", await api(url(P.results, at(p, { version: "v0.0.0" })), { token: p.token, json: results }), 404, "not_found");
    const readOnly = await makeToken(p.slug, ["gate:read"]);
    isError(P.results, "post", await api(url(P.results, at(p)), { token: readOnly, json: results }), 403, "forbidden");

    const metrics = conforms(P.metrics, "post", await api(url(P.metrics, at(p)), { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812, unit: "events/s" }, { name: "p99_ms", value: 40 }] } }));
    expect(metrics).toMatchObject({ accepted: 2, unmatched: ["p99_ms"], countsForRelease: true });
    const tooLarge = await send(url(P.metrics, at(p)), { token: p.token, headers: { "content-type": "application/json" }, body: `{"metrics":[],"pad":"${"x".repeat(1024 * 1024)}"}` });
    isError(P.metrics, "post", tooLarge, 413, "payload_too_large");

    // A spent budget: 429 with Retry-After (unless a new minute began in between).
    const token = await db().apiToken.findUniqueOrThrow({ where: { hash: hashToken(p.token) } });
    const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await db().rateLimitWindow.upsert({
      where: { subject_windowStart: { subject: `token:${token.id}`, windowStart } },
      create: { subject: `token:${token.id}`, windowStart, count: rateLimitPerMinute() },
      update: { count: rateLimitPerMinute() },
    });
    const limited = await api(url(P.metrics, at(p)), { token: p.token, json: { metrics: [{ name: "x", value: 1 }] } });
    if (limited.status !== 201) {
      isError(P.metrics, "post", limited, 429, "rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
  });

  it("gate: closed with reasons, open after results, metric, steps and sign-offs; deployments 201 and 409; rollback advice; 400, 403, 404, 422", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const gate = async (environment = "staging") => conforms(P.gate, "get", await api(url(P.gate, at(p), `?environment=${environment}`), { token: p.token }));
    const closed = await gate();
    expect(closed.open).toBe(false);
    expect(closed.blocking.map((b: { item: string }) => b.item)).toEqual(["smoke-tests", "event-throughput", "ws-events", "release-approval"]);
    const production = await gate("production");
    expect(production.blocking[0]).toMatchObject({ item: "environment:staging", reason: "previous-environment" });

    await api(url(P.results, at(p)), { token: p.token, json: { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] } });
    await api(url(P.metrics, at(p)), { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 900 }] } });
    const manager = await person(p.slug, "release-manager");
    for (const step of [0, 1]) {
      const ticked = conforms(P.steps, "post", await api(url(P.steps, at(p, { itemKey: "ws-events" })), { json: { environment: "staging", step, done: true }, headers: manager.headers }));
      expect(ticked).toEqual({ step, done: true, changed: true });
    }
    for (const item of ["ws-events", "release-approval"]) {
      expect((await api(url(P.signoffs, at(p, { itemKey: item })), { json: { environment: "staging" }, headers: manager.headers })).status).toBe(201);
    }
    const open = await gate();
    expect(open).toEqual({ release: p.version, environment: "staging", open: true, overridden: false, blocking: [] });

    // Deploying: 201 through the open gate, 409 with the reasons through a closed one.
    const deploy = (environment: string) => api(url(P.deployments, at(p)), { token: p.token, json: { environment } });
    const deployed = conforms(P.deployments, "post", await deploy("staging"));
    expect(deployed).toMatchObject({ release: p.version, environment: "staging", commit: p.commit, overridden: false });
    const refused = isError(P.deployments, "post", await deploy("production"), 409, "conflict") as { details?: { path: string }[] };
    expect(refused.details?.map((d) => d.path)).toEqual(["smoke-tests", "event-throughput", "ws-events", "release-approval"]);
    isError(P.deployments, "post", await deploy("qa"), 422, "validation_failed");
    // After the deploy, a failing smoke test trips the watch item: Rollback recommended.
    await api(url(P.results, at(p)), { token: p.token, json: { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "failed", message: "500 from /health" }] } });
    const state = conforms(P.release, "get", await api(url(P.release, at(p)), { token: p.token }));
    expect(state.release.status).toBe("deployed");
    expect(state.rollback.staging).toMatchObject({ recommended: true, deployedAt: deployed.deployedAt, reasons: [expect.objectContaining({ item: "rollback-smoke" })] });
    expect(state.rollback.production).toEqual({ recommended: false, deployedAt: null, reasons: [] });

    isError(P.gate, "get", await api(url(P.gate, at(p)), { token: p.token }), 400, "bad_request");
    isError(P.gate, "get", await api(url(P.gate, at(p), "?environment=qa"), { token: p.token }), 422, "validation_failed");
    const noRead = await makeToken(p.slug, ["results:write"]);
    isError(P.gate, "get", await api(url(P.gate, at(p), "?environment=staging"), { token: noRead }), 403, "forbidden");
    const other = await makeProject();
    isError(P.gate, "get", await api(url(P.gate, at(p), "?environment=staging"), { token: other.token }), 404, "not_found");
  });

  it("sign-offs, steps and revocation by a signed-in person; the release shows them; tokens and foreign origins are refused", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const manager = await person(p.slug, "release-manager");
    const viewer = await person(p.slug, "viewer");
    const signOff = (who: { headers: Record<string, string> }, item = "release-approval", body: unknown = { environment: "staging", comment: "notes checked" }) =>
      api(url(P.signoffs, at(p, { itemKey: item })), { json: body, headers: who.headers });

    const created = conforms(P.signoffs, "post", await signOff(manager));
    expect(created).toMatchObject({ item: "release-approval", environment: "staging", commit: p.commit, role: "release-manager" });
    isError(P.signoffs, "post", await signOff(manager), 409, "conflict");
    isError(P.signoffs, "post", await signOff(viewer), 403, "forbidden");
    isError(P.signoffs, "post", await api(url(P.signoffs, at(p, { itemKey: "release-approval" })), { token: p.token, json: { environment: "staging" } }), 403, "forbidden");
    isError(P.signoffs, "post", await api(url(P.signoffs, at(p, { itemKey: "release-approval" })), { json: { environment: "staging" }, headers: { cookie: manager.headers.cookie! } }), 403, "forbidden");
    isError(P.signoffs, "post", await signOff(manager, "no-such-item"), 404, "not_found");
    isError(P.signoffs, "post", await signOff(manager, "release-approval", { environment: "staging", extra: 1 }), 422, "validation_failed");
    // Steps first: the item has two.
    isError(P.signoffs, "post", await signOff(manager, "ws-events"), 422, "validation_failed");
    isError(P.steps, "post", await api(url(P.steps, at(p, { itemKey: "ws-events" })), { json: { environment: "staging", step: 5, done: true }, headers: manager.headers }), 404, "not_found");
    conforms(P.steps, "post", await api(url(P.steps, at(p, { itemKey: "ws-events" })), { json: { environment: "staging", step: 0, done: true }, headers: manager.headers }));

    const state = conforms(P.release, "get", await api(url(P.release, at(p)), { headers: { cookie: manager.headers.cookie! } }));
    const items = state.sections.flatMap((s: { items: unknown[] }) => s.items);
    const approval = items.find((i: { key: string }) => i.key === "release-approval");
    expect(approval.environments.staging.signOffs).toHaveLength(1);
    expect(items.find((i: { key: string }) => i.key === "ws-events").environments.staging.steps[0]).toMatchObject({ text: "agent_started", ticked: true });
    expect(state.viewer).toEqual({ role: "release-manager", userId: manager.id, canAssign: true });

    const revoke = (id: string, body: unknown = { reason: "signed the wrong build" }) => api(url(P.revoke, at(p, { signOffId: id })), { json: body, headers: manager.headers });
    const revoked = conforms(P.revoke, "post", await revoke(created.id));
    expect(revoked.id).toBe(created.id);
    isError(P.revoke, "post", await revoke(created.id), 409, "conflict");
    isError(P.revoke, "post", await revoke(randomUUID()), 404, "not_found");
    isError(P.revoke, "post", await revoke(created.id, { reason: "" }), 422, "validation_failed");

    const after = conforms(P.release, "get", await api(url(P.release, at(p)), { token: p.token }));
    const signOffs = after.sections[0].items.find((i: { key: string }) => i.key === "release-approval").environments.staging.signOffs;
    expect(signOffs[0]).toMatchObject({ id: created.id, revokeReason: "signed the wrong build", stale: false });
    expect(after.viewer).toEqual({ role: null, userId: null, canAssign: false });

    // Rejecting and assigning: documented answers, the release and the queue carry them.
    const reject = (body: unknown, who = manager) => api(url(P.rejections, at(p, { itemKey: "release-approval" })), { json: body, headers: who.headers });
    const rejection = conforms(P.rejections, "post", await reject({ environment: "staging", reason: "rota has a gap" }));
    expect(rejection).toMatchObject({ item: "release-approval", reason: "rota has a gap", revokedSignOff: null });
    isError(P.rejections, "post", await reject({ environment: "staging", reason: "again" }), 409, "conflict");
    isError(P.rejections, "post", await reject({ environment: "staging", reason: "" }), 422, "validation_failed");
    isError(P.rejections, "post", await reject({ environment: "staging", reason: "no" }, viewer), 403, "forbidden");
    isError(P.rejections, "post", await api(url(P.rejections, at(p, { itemKey: "no-such-item" })), { json: { environment: "staging", reason: "x" }, headers: manager.headers }), 404, "not_found");
    const assign = (body: unknown) => api(url(P.assignee, at(p, { itemKey: "release-approval" })), { method: "PUT", json: body, headers: manager.headers });
    expect(conforms(P.assignee, "put", await assign({ userId: manager.id }))).toMatchObject({ assignee: { userId: manager.id } });
    isError(P.assignee, "put", await assign({ userId: viewer.id }), 422, "validation_failed");
    isError(P.assignee, "put", await api(url(P.assignee, at(p, { itemKey: "release-approval" })), { method: "PUT", json: { userId: manager.id }, headers: viewer.headers }), 403, "forbidden");
    const rejected = conforms(P.release, "get", await api(url(P.release, at(p)), { token: p.token }));
    const shown = rejected.sections[0].items.find((i: { key: string }) => i.key === "release-approval");
    expect(shown.assignee).toMatchObject({ userId: manager.id });
    expect(shown.environments.staging.rejection).toMatchObject({ id: rejection.id, standing: true });
    expect(rejected.gates.staging.blocking).toEqual(expect.arrayContaining([expect.objectContaining({ reason: "rejected", rejection: expect.objectContaining({ reason: "rota has a gap" }) })]));
    const queue = conforms("/api/v1/me/queue", "get", await api("/api/v1/me/queue", { headers: { cookie: manager.headers.cookie! } }));
    expect(queue.items[0]).toMatchObject({ item: "release-approval", assignedToYou: true });
    expect(conforms(P.assignee, "delete", await api(url(P.assignee, at(p, { itemKey: "release-approval" })), { method: "DELETE", headers: manager.headers }))).toMatchObject({ assignee: null });
    isError(P.assignee, "delete", await api(url(P.assignee, at(p, { itemKey: "release-approval" })), { method: "DELETE", headers: viewer.headers }), 403, "forbidden");
  });

  it("result history: this release's runs and the latest outcome in earlier releases; 400 without a key", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const key = "tests/smoke/test_a.py::test_ok";
    await api(url(P.results, at(p)), { token: p.token, json: { environment: "staging", run: { id: "1", url: "https://ci.example/1" }, results: [{ key, status: "failed", message: "boom" }] } });
    await createRelease(system, p.slug, { version: "v1.1.0", commit: randomSha(), template: p.template });
    await api(url(P.results, at(p, { version: "v1.1.0" })), { token: p.token, json: { results: [{ key, status: "passed", durationMs: 5 }] } });
    const history = conforms(P.history, "get", await api(url(P.history, at(p, { version: "v1.1.0" }), `?key=${encodeURIComponent(key)}`), { token: p.token }));
    expect(history.runs).toHaveLength(1);
    expect(history.earlierReleases).toEqual([expect.objectContaining({ version: "v1.0.0", status: "failed", runUrl: "https://ci.example/1" })]);
    isError(P.history, "get", await api(url(P.history, at(p)), { token: p.token }), 400, "bad_request");
  });

  it("templates: list, save (201, then 200 unchanged), versions with changes, 422 with line and column, 415; Markdown import 200 and 201", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const put = (body: string, type = "application/yaml", name = "openapi-checklist") =>
      api(url(P.template, { project: p.slug, name }), { method: "PUT", token: p.token, body, headers: { "content-type": type } });

    const list = conforms(P.templates, "get", await api(url(P.templates, { project: p.slug }), { token: p.token }));
    expect(list.templates).toEqual([expect.objectContaining({ name: "openapi-checklist", latestVersion: 1 })]);
    const changed = TEMPLATE.replace("threshold: 500", "threshold: 600");
    const saved = await put(changed);
    expect(saved.status).toBe(201);
    expect(conforms(P.template, "put", saved)).toEqual({ template: "openapi-checklist", version: 2, created: true });
    const same = await put(`# a comment changes nothing\n${changed}`);
    expect(same.status).toBe(200);
    expect(conforms(P.template, "put", same)).toEqual({ template: "openapi-checklist", version: 2, created: false });
    const asJson = await put(JSON.stringify({ name: "json-checklist", sections: [{ title: "Checks", phase: "pre-deploy", items: [] }] }), "application/json", "json-checklist");
    expect(conforms(P.template, "put", asJson)).toMatchObject({ template: "json-checklist", version: 1, created: true });

    const detail = conforms(P.template, "get", await api(url(P.template, { project: p.slug, name: "openapi-checklist" }), { token: p.token }));
    expect(detail.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(detail.versions[0].changes.changed).toEqual([{ key: "event-throughput", title: "Throughput above 500 events/s", fields: ["threshold"] }]);
    expect(detail.versions[1].changes).toBeNull();
    isError(P.template, "get", await api(url(P.template, { project: p.slug, name: "nope" }), { token: p.token }), 404, "not_found");

    const broken = isError(P.template, "put", await put("name: openapi-checklist\nsections:\n  - title: [unclosed\n"), 422, "validation_failed");
    expect(broken.message.length).toBeGreaterThan(0);
    const invalid = await put("name: openapi-checklist\nsections:\n  - title: X\n    phase: sometime\n");
    const error = isError(P.template, "put", invalid, 422, "validation_failed") as { details?: { line?: number }[] };
    expect(error.details?.some((d) => typeof d.line === "number")).toBe(true);
    isError(P.template, "put", await put("name: x", "text/csv"), 415, "unsupported_media_type");
    isError(P.template, "put", await put("   "), 400, "bad_request");
    const noTemplates = await makeToken(p.slug, ["gate:read"]);
    isError(P.template, "put", await api(url(P.template, { project: p.slug, name: "x" }), { method: "PUT", token: noTemplates, body: "name: x", headers: { "content-type": "application/yaml" } }), 403, "forbidden");

    const markdown = "# Deploy\n\n## Pre-deploy\n\n- [ ] Run `pytest tests/smoke` and check all pass\n- [ ] Release manager approves\n";
    const importAs = (name: string, query = "", type = "text/markdown") =>
      api(url(P.importTemplate, { project: p.slug, name }, query), { token: p.token, body: markdown, headers: { "content-type": type } });
    const preview = await importAs("imported");
    expect(preview.status).toBe(200);
    expect(conforms(P.importTemplate, "post", preview)).toMatchObject({ saved: null });
    const imported = await importAs("imported", "?save=1");
    expect(imported.status).toBe(201);
    expect(conforms(P.importTemplate, "post", imported).saved).toEqual({ template: "imported", version: 1, created: true });
    isError(P.importTemplate, "post", await importAs("imported", "", "application/json"), 415, "unsupported_media_type");
  });

  it("GitHub webhook: ping and redelivery 200, results 201, ignored 202, missing header 400, bad signature 401, unlinked 404", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const repository = `octo-org/repo-${uniqueSuffix()}`;
    const secret = randomBytes(24).toString("hex");
    await setGithubLink(system, p.slug, { repository, secret });
    const payload = (event: string, test: (x: Json) => boolean = () => true): Json => {
      const found = examples.find((d) => d.name === event)?.examples.map((e) => structuredClone(e) as unknown as Json).find(test);
      if (!found) throw new Error(`no ${event} example`);
      return { ...found, repository: { ...(found.repository as Json), full_name: repository } };
    };
    const deliver = (event: string, body: Json, options: { delivery?: string; signature?: string | null; omit?: string } = {}) => {
      const text = JSON.stringify(body);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-github-event": event,
        "x-github-delivery": options.delivery ?? randomUUID(),
        "x-hub-signature-256": options.signature ?? `sha256=${createHmac("sha256", secret).update(text).digest("hex")}`,
      };
      if (options.omit) delete headers[options.omit];
      return api(P.github, { method: "POST", body: text, headers });
    };

    expect(conforms(P.github, "post", await deliver("ping", payload("ping")))).toMatchObject({ ok: true });
    const run = payload("workflow_run", (x) => x.action === "completed" && (x.workflow_run as Json).conclusion === "success");
    await createRelease(system, p.slug, { version: "v1.1.0", commit: (run.workflow_run as Json).head_sha as string, template: p.template });
    const delivery = randomUUID();
    const accepted = await deliver("workflow_run", run, { delivery });
    expect(accepted.status).toBe(201);
    expect(conforms(P.github, "post", accepted)).toMatchObject({ accepted: 1, releases: [expect.objectContaining({ version: "v1.1.0" })] });
    expect(conforms(P.github, "post", await deliver("workflow_run", run, { delivery }))).toEqual({ duplicate: true, delivery });
    const ignored = await deliver("push", payload("push"));
    expect(ignored.status).toBe(202);
    conforms(P.github, "post", ignored);

    isError(P.github, "post", await deliver("ping", payload("ping"), { omit: "x-github-event" }), 400, "bad_request");
    isError(P.github, "post", await deliver("ping", payload("ping"), { signature: `sha256=${"0".repeat(64)}` }), 401, "unauthorized");
    isError(P.github, "post", await deliver("ping", { ...payload("ping"), repository: { full_name: `nobody/unlinked-${uniqueSuffix()}` } }), 404, "not_found");
  });

  it("Alertmanager webhook: 201 with the alerts recorded; 401 without a token, 422 without an environment", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const alerts = (labels: Record<string, string>) => ({
      version: "4",
      status: "firing",
      receiver: "shipcheck",
      groupLabels: {},
      commonLabels: labels,
      externalURL: "http://alertmanager.example:9093",
      alerts: [{ status: "firing", labels: { alertname: "MissingWebSocketEvents", ...labels }, annotations: { summary: "events missing" }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", fingerprint: "abc123" }],
    });
    const received = await api(P.alertmanager, { token: p.token, json: alerts({ environment: "staging" }) });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    expect(conforms(P.alertmanager, "post", received)).toMatchObject({ recorded: 1, alerts: [{ name: "MissingWebSocketEvents", status: "firing", environment: "staging" }] });
    expect(conforms(P.alertmanager, "post", await api(`${P.alertmanager}?environment=production`, { token: p.token, json: alerts({}) }))).toMatchObject({ recorded: 1 });
    isError(P.alertmanager, "post", await api(P.alertmanager, { json: alerts({ environment: "staging" }) }), 401, "unauthorized");
    isError(P.alertmanager, "post", await api(P.alertmanager, { token: p.token, json: alerts({}) }), 422, "validation_failed");
  });

  it("account: password change 200 with Set-Cookie, 403 wrong password, 422, 401; sign out everywhere 200; a member's sessions 200, 403, 404", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const admin = await person(p.slug, "admin");
    const viewer = await person(p.slug, "viewer");
    // A password this test knows (the session stays valid: its version is unchanged).
    const password = `pw-${randomBytes(12).toString("hex")}`;
    await db().user.update({ where: { id: viewer.id }, data: { passwordHash: await hashPassword(password) } });
    const address = { "x-forwarded-for": `2001:db8::${randomBytes(2).toString("hex")}` };
    const change = (body: unknown, headers = viewer.headers) => api(P.password, { json: body, headers: { ...headers, ...address } });

    isError(P.password, "post", await change({ currentPassword: "wrong-password", newPassword: `new-${uniqueSuffix()}-long-enough` }), 403, "forbidden");
    isError(P.password, "post", await change({ currentPassword: password, newPassword: "short" }), 422, "validation_failed");
    isError(P.password, "post", await api(P.password, { json: { currentPassword: password, newPassword: "whatever-long-enough" } }), 401, "unauthorized");
    expect(conforms(P.password, "post", await change({ currentPassword: password, newPassword: `new-${uniqueSuffix()}-long-enough` }))).toMatchObject({ passwordChanged: true });

    const ended = await api(P.mySessions, { method: "DELETE", headers: admin.headers });
    expect(conforms(P.mySessions, "delete", ended)).toEqual({ userId: admin.id, sessionsEnded: true });
    isError(P.mySessions, "delete", await api(P.mySessions, { method: "DELETE", token: p.token }), 403, "forbidden");

    const again = await person(p.slug, "admin");
    const target = await person(p.slug, "engineer");
    expect(conforms(P.memberSessions, "delete", await api(url(P.memberSessions, at(p, { userId: target.id })), { method: "DELETE", headers: again.headers }))).toEqual({ userId: target.id, sessionsEnded: true });
    isError(P.memberSessions, "delete", await api(url(P.memberSessions, at(p, { userId: again.id })), { method: "DELETE", token: p.token }), 403, "forbidden");
    isError(P.memberSessions, "delete", await api(url(P.memberSessions, at(p, { userId: randomUUID() })), { method: "DELETE", headers: again.headers }), 404, "not_found");
  });
  it("the project's Prometheus, and a release whose items read from it (a reading without a value included); 403, 422", async () => {
    const p = await makeProject({
      template: `name: promql\nsections:\n  - title: S\n    phase: pre-deploy\n    items:\n      - { key: ws, title: WS, kind: metric, metric: ws_per_min, source: prometheus, query: "sum(x)", operator: ">", threshold: 1 }\n`,
    });
    const admin = await person(p.slug, "admin");
    expect(conforms(P.prometheus, "get", await api(url(P.prometheus, at(p)), { headers: admin.headers }))).toEqual({ url: null, bearerTokenSet: false });
    // Nothing listens there: the reading says so.
    const saved = conforms(P.prometheus, "put", await api(url(P.prometheus, at(p)), { method: "PUT", headers: admin.headers, json: { url: "http://127.0.0.1:9", bearerToken: "t0ken" } }));
    expect(saved).toEqual({ url: "http://127.0.0.1:9", bearerTokenSet: true });
    isError(P.prometheus, "put", await api(url(P.prometheus, at(p)), { method: "PUT", headers: admin.headers, json: { url: "ftp://x" } }), 422, "validation_failed");
    isError(P.prometheus, "get", await api(url(P.prometheus, at(p)), { token: p.token }), 403, "forbidden");
    const release = conforms(P.release, "get", await api(url(P.release, at(p)), { token: p.token }));
    const item = release.sections[0].items[0];
    expect(item.query).toBe("sum(x)");
    expect(item.environments.staging.reading).toMatchObject({ query: "sum(x)", value: null, error: expect.stringMatching(/^Prometheus cannot be reached/) });
  });

  it("notifications: webhooks 201 with the secret, list, deliveries, redeliver 202, delete; 403, 404, 422; a person's choices", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const admin = await person(p.slug, "admin");
    const viewer = await person(p.slug, "viewer");
    const created = conforms(P.webhooks, "post", await api(url(P.webhooks, at(p)), { headers: admin.headers, json: { url: "http://127.0.0.1:9/openapi", events: ["gate.opened"] } }));
    expect(created.secret).toMatch(/^whsec_/);
    isError(P.webhooks, "post", await api(url(P.webhooks, at(p)), { headers: admin.headers, json: { url: "ftp://example.com" } }), 422, "validation_failed");
    isError(P.webhooks, "post", await api(url(P.webhooks, at(p)), { headers: viewer.headers, json: { url: "http://127.0.0.1:9/x" } }), 403, "forbidden");
    expect(conforms(P.webhooks, "get", await api(url(P.webhooks, at(p)), { headers: admin.headers })).webhooks).toHaveLength(1);
    const hook = at(p, { webhookId: created.id });
    expect(conforms(P.deliveries, "get", await api(url(P.deliveries, hook), { headers: admin.headers })).deliveries).toEqual([]);
    isError(P.deliveries, "get", await api(url(P.deliveries, at(p, { webhookId: randomUUID() })), { headers: admin.headers }), 404, "not_found");
    const project = await db().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const delivery = await db().notificationDelivery.create({ data: { projectId: project.id, channel: "webhook", endpointId: created.id, type: "gate.opened", payload: { type: "gate.opened", timestamp: new Date().toISOString(), data: {} }, status: "failed" } });
    expect(conforms(P.redeliver, "post", await api(url(P.redeliver, { ...hook, deliveryId: delivery.id }), { method: "POST", headers: admin.headers }))).toMatchObject({ id: delivery.id, status: "pending" });
    isError(P.redeliver, "post", await api(url(P.redeliver, { ...hook, deliveryId: randomUUID() }), { method: "POST", headers: admin.headers }), 404, "not_found");
    conforms(P.deliveries, "get", await api(url(P.deliveries, hook), { headers: admin.headers }));
    isError(P.webhook, "delete", await api(url(P.webhook, hook), { method: "DELETE", headers: viewer.headers }), 403, "forbidden");
    expect(conforms(P.webhook, "delete", await api(url(P.webhook, hook), { method: "DELETE", headers: admin.headers }))).toEqual({ id: created.id, deleted: true });

    expect(conforms(P.notifications, "get", await api(P.notifications, { headers: viewer.headers })).types.every((t: { email: boolean }) => t.email)).toBe(true);
    const chosen = conforms(P.notifications, "put", await api(P.notifications, { method: "PUT", headers: viewer.headers, json: { optOut: ["gate.closed"] } }));
    expect(chosen.types.find((t: { type: string }) => t.type === "gate.closed")).toEqual({ type: "gate.closed", email: false });
    isError(P.notifications, "put", await api(P.notifications, { method: "PUT", headers: viewer.headers, json: { optOut: ["nope"] } }), 422, "validation_failed");
    isError(P.notifications, "get", await api(P.notifications, { token: p.token }), 403, "forbidden");
    isError(P.notifications, "get", await api(P.notifications), 401, "unauthorized");
  });

  it("GitLab: the link 201 with its webhook token, 200, read, rotate, unlink; deliveries 201, 200, 202, 400, 401, 404; 403, 422", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const admin = await person(p.slug, "admin");
    const viewer = await person(p.slug, "viewer");
    const gitlabProjectId = 1_000_000 + Number.parseInt(uniqueSuffix(), 16) % 1_000_000_000;
    const link = { baseUrl: "http://127.0.0.1:9", projectId: gitlabProjectId, accessToken: "glpat-openapi-conformance" };
    const created = conforms(P.gitlabLink, "put", await api(url(P.gitlabLink, at(p)), { method: "PUT", headers: admin.headers, json: link }));
    expect(created.webhookToken).toMatch(/^glwh_/);
    expect(conforms(P.gitlabLink, "put", await api(url(P.gitlabLink, at(p)), { method: "PUT", headers: admin.headers, json: { ...link, accessToken: undefined } })).webhookToken).toBeUndefined();
    isError(P.gitlabLink, "put", await api(url(P.gitlabLink, at(p)), { method: "PUT", headers: admin.headers, json: { baseUrl: "nope", projectId: -1 } }), 422, "validation_failed");
    isError(P.gitlabLink, "get", await api(url(P.gitlabLink, at(p)), { headers: viewer.headers }), 403, "forbidden");

    const deliver = (body: unknown, token: string, event = "Deployment Hook") =>
      api(P.gitlab, { method: "POST", json: body, headers: { "x-gitlab-event": event, "x-gitlab-token": token, "idempotency-key": randomUUID() } });
    const hook = deploymentHook({ gitlabProjectId, deploymentId: 42, environment: "staging", sha: p.commit });
    const waiting = conforms(P.gitlab, "post", await deliver(hook, created.webhookToken));
    expect(waiting).toMatchObject({ deployment: "42", answer: "waiting" });
    expect(conforms(P.gitlab, "post", await deliver(hook, created.webhookToken))).toMatchObject({ duplicate: true });
    expect(conforms(P.gitlab, "post", await deliver(hook, created.webhookToken, "Push Hook")).ignored).toContain("Push Hook");
    isError(P.gitlab, "post", await deliver({ ...hook, deployment_id: "x" }, created.webhookToken), 400, "bad_request");
    isError(P.gitlab, "post", await deliver(hook, "glwh_wrong"), 401, "unauthorized");
    isError(P.gitlab, "post", await deliver({ ...hook, project: { ...hook.project, id: gitlabProjectId + 1 } }, created.webhookToken), 404, "not_found");

    expect(conforms(P.gitlabLink, "get", await api(url(P.gitlabLink, at(p)), { headers: admin.headers })).approvals).toHaveLength(1);
    expect(conforms(P.gitlabToken, "post", await api(url(P.gitlabToken, at(p)), { method: "POST", headers: admin.headers })).webhookToken).toMatch(/^glwh_/);
    expect(conforms(P.gitlabLink, "delete", await api(url(P.gitlabLink, at(p)), { method: "DELETE", headers: admin.headers }))).toEqual({ project: p.slug, linked: false });
    isError(P.gitlabLink, "delete", await api(url(P.gitlabLink, at(p)), { method: "DELETE", headers: admin.headers }), 404, "not_found");
    isError(P.gitlabToken, "post", await api(url(P.gitlabToken, at(p)), { method: "POST", headers: admin.headers }), 404, "not_found");
  });

  it("public badge: the key 201 once, its state, removal; the badge 200 as SVG without credentials, 404 for a wrong key", async () => {
    const p = await makeProject({ template: TEMPLATE });
    const admin = await person(p.slug, "admin");
    const viewer = await person(p.slug, "viewer");
    expect(conforms(P.badgeKey, "get", await api(url(P.badgeKey, at(p)), { headers: admin.headers }))).toMatchObject({ exists: false });
    const created = conforms(P.badgeKey, "post", await api(url(P.badgeKey, at(p)), { method: "POST", headers: admin.headers }));
    isError(P.badgeKey, "post", await api(url(P.badgeKey, at(p)), { method: "POST", headers: viewer.headers }), 403, "forbidden");
    const svg = await fetch(`${baseUrl()}${url(P.badge, { key: created.key, release: p.version, environment: "staging.svg" })}`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toMatch(/^image\/svg\+xml\b/);
    isError(P.badge, "get", await api(url(P.badge, { key: "bdg_wrong", release: "latest", environment: "staging.svg" })), 404, "not_found");
    expect(conforms(P.badgeKey, "delete", await api(url(P.badgeKey, at(p)), { method: "DELETE", headers: admin.headers }))).toMatchObject({ exists: false });
    isError(P.badgeKey, "delete", await api(url(P.badgeKey, at(p)), { method: "DELETE", headers: admin.headers }), 404, "not_found");
  });
});

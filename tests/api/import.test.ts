// Importing the team's Markdown checklist over HTTP: what the real document becomes, saving it as
// a version (and only once), and what the importer refuses.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { db } from "@/lib/db/client";
import { makeProject, makeToken } from "../support/fixtures";
import { api } from "../support/http";
import { send } from "../support/raw";
import { projectAuditCount } from "../support/db-state";
import { expectApiError } from "../support/errors";
import { importMarkdown, person, putTemplate, realChecklist, templateVersions } from "../support/templates";

type Item = { key: string; title: string; kind: string; instructions?: string; [field: string]: unknown };
type Template = {
  name: string;
  description?: string;
  sections: { title: string; phase: string; items: Item[] }[];
  guardedPaths: { path: string; lines?: { from: number; to: number }; checks: string[] }[];
  rollback?: { instructions: string };
};

type PlacedItem = Item & { phase: string; section: string };
const itemsOf = (template: Template): PlacedItem[] => template.sections.flatMap((s) => s.items.map((i) => ({ ...i, phase: s.phase, section: s.title })));

/** Runs a request that must save nothing: no template, no version, no audit event. */
async function nothingSaved<T>(slug: string, name: string, request: () => Promise<T>): Promise<T> {
  const audit = await projectAuditCount(slug);
  const out = await request();
  expect(await templateVersions(slug, name)).toEqual([]);
  expect(await db().template.count({ where: { name, project: { slug } } })).toBe(0);
  expect(await projectAuditCount(slug)).toBe(audit);
  return out;
}

describe("importing the team's DEPLOYMENT_CHECKLIST.md", () => {
  it("returns the items it found, with warnings and YAML, and saves nothing without ?save=1", async () => {
    const p = await makeProject();
    const markdown = await realChecklist();
    const response = await nothingSaved(p.slug, "netra", () => importMarkdown(p.slug, "netra", markdown, p));
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(["itemNotes", "repairedTitles", "repairs", "saved", "template", "warnings", "yaml"]);
    expect(response.body.saved).toBeNull();
    const template = response.body.template as Template;
    expect(template.name).toBe("netra");
    const items = itemsOf(template);

    // "All 5 tests in test_final_validation.py MUST pass": a check expecting exactly 5.
    const finalValidation = items.filter((i) => i.kind === "check" && (i.patterns as string[]).some((pt) => pt.includes("test_final_validation.py")));
    expect(finalValidation).toHaveLength(1);
    expect(finalValidation[0]).toMatchObject({ phase: "pre-deploy", patterns: ["tests/mission_critical/test_final_validation.py"], expect: { count: 5 } });
    expect(items.filter((i) => i.kind === "check").map((i) => i.patterns)).toContainEqual(["tests/mission_critical/"]);

    // "must be > 500 events/sec": a metric Shipcheck judges.
    expect(items.filter((i) => i.kind === "metric")).toEqual([
      expect.objectContaining({ metric: "websocket_events_per_sec", operator: ">", threshold: 500, unit: "events/sec", phase: "pre-deploy" }),
    ]);

    // "Staging Verification": a manual item with its 5 steps, in order, done on staging after its
    // deploy (the project's environments are staging, then production), so it gates production.
    const staging = items.find((i) => i.title === "Staging Verification");
    expect(staging).toMatchObject({
      kind: "manual",
      phase: "pre-deploy",
      verifyOn: "staging",
      steps: ["Deploy to staging first", "Open browser developer tools", "Send chat message", "Monitor Network > WS tab", "Verify all 5 critical events appear"],
    });
    expect(items.filter((i) => i.verifyOn !== undefined).map((i) => i.key)).toEqual(["staging-verification"]);
    expect(response.body.itemNotes).toEqual([
      {
        section: 2,
        item: 1,
        key: "staging-verification",
        note: "Done on staging after its deploy; gates production. The text says “Deploy to staging first”.",
        because: "Deploy to staging first",
      },
    ]);
    expect(response.body.warnings).toContain("\"Staging Verification\" is done on staging after its deploy, so it gates production, not staging (“Deploy to staging first”).");

    // "Integration Points Check": three guarded paths, the registry with its line range.
    expect(template.guardedPaths.map((g) => g.path)).toEqual([
      "netra_backend/app/agents/supervisor/agent_registry.py",
      "netra_backend/app/agents/enhanced_tool_execution.py",
      "netra_backend/app/agents/supervisor/websocket_notifier.py",
    ]);
    expect(template.guardedPaths[0]!.lines).toEqual({ from: 126, to: 141 });
    for (const guard of template.guardedPaths) expect(guard.checks).toContain("tests/mission_critical/");

    // "IMMEDIATELY ROLLBACK IF": four watch items in the rollback phase.
    const watches = items.filter((i) => i.kind === "watch");
    expect(watches).toHaveLength(4);
    for (const watch of watches) expect(watch.phase).toBe("rollback");
    expect(watches[0]).toMatchObject({ check: "tests/mission_critical/" });
    expect(template.rollback).toEqual({ instructions: "Use previous Cloud Run revision" });

    // The emoji were UTF-8 read as Mac Roman: repaired, and the response says where.
    expect(markdown).toContain("‚úÖ");
    expect(finalValidation[0]!.title).toBe("✅ All 5 tests in test_final_validation.py MUST pass");
    expect(JSON.stringify(template)).not.toMatch(/‚úÖ|‚ùå|üö®/);
    expect(response.body.repairs).toHaveLength(8);
    expect(response.body.repairs[0]).toEqual({ line: 3, from: "\uF8FFüö®", to: "🚨" });
    expect(response.body.warnings[0]).toBe(
      'Repaired text that was UTF-8 read as Mac Roman: "<U+F8FF>üö®" → "🚨" on line 3; "‚úÖ" → "✅" on lines 17, 18, 19; "‚ùå" → "❌" on lines 76, 77, 78, 79.',
    );
    expect(response.body.repairedTitles).toContainEqual({
      section: 3,
      item: 0,
      before: "‚ùå Any mission critical test fails",
      after: "❌ Any mission critical test fails",
    });

    expect(Array.isArray(response.body.warnings)).toBe(true);
    expect(response.body.warnings.length).toBeGreaterThan(0);
    for (const warning of response.body.warnings) expect(typeof warning).toBe("string");
    expect(response.body.warnings.join("\n")).toContain("Emergency Contacts");

    // The YAML is the same template, ready for the repository.
    expect(typeof response.body.yaml).toBe("string");
    expect(parse(response.body.yaml)).toEqual(template);
  });

  it("the returned YAML saved through PUT is accepted, and a later ?save=1 of the same Markdown is unchanged", async () => {
    const p = await makeProject();
    const markdown = await realChecklist();
    const preview = await importMarkdown(p.slug, "netra", markdown, p);
    const put = await putTemplate(p.slug, "netra", preview.body.yaml, p);
    expect(put.status).toBe(201);
    expect(put.body).toEqual({ template: "netra", version: 1, created: true });
    const saved = await importMarkdown(p.slug, "netra", markdown, p, { save: true });
    expect(saved.status).toBe(200);
    expect(saved.body.saved).toEqual({ template: "netra", version: 1, created: false });
  });

  it("?save=1 creates version 1 (201); the same import again is 200 with version 1 and no new row", async () => {
    const p = await makeProject();
    const markdown = await realChecklist();
    const first = await importMarkdown(p.slug, "netra", markdown, p, { save: true });
    expect(first.status).toBe(201);
    expect(first.body.saved).toEqual({ template: "netra", version: 1, created: true });
    const versions = await templateVersions(p.slug, "netra");
    expect(versions.map((v) => v.version)).toEqual([1]);
    expect(versions[0]!.source).toBe(first.body.yaml);

    const audit = await projectAuditCount(p.slug);
    const second = await importMarkdown(p.slug, "netra", markdown, p, { save: true });
    expect(second.status).toBe(200);
    expect(second.body.saved).toEqual({ template: "netra", version: 1, created: false });
    expect((await templateVersions(p.slug, "netra")).map((v) => v.version)).toEqual([1]);
    expect(await projectAuditCount(p.slug)).toBe(audit);

    // GET shows the saved definition, the same as the import returned.
    const got = await api(`/api/v1/projects/${p.slug}/templates/netra`, { token: p.token });
    expect(got.body.versions).toHaveLength(1);
    expect(got.body.versions[0].definition).toEqual(first.body.template);

    // An edited checklist is a new version, with the change in its diff.
    const edited = markdown.replace("   - Verify all 5 critical events appear\n", "   - Verify all 5 critical events appear\n   - Check the Grafana WebSocket panel\n");
    expect(edited).not.toBe(markdown);
    const third = await importMarkdown(p.slug, "netra", edited, p, { save: true });
    expect(third.status).toBe(201);
    expect(third.body.saved).toEqual({ template: "netra", version: 2, created: true });
    const history = await api(`/api/v1/projects/${p.slug}/templates/netra`, { token: p.token });
    expect(history.body.versions[0].changes).toEqual({
      added: [],
      removed: [],
      changed: [{ key: "staging-verification", title: "Staging Verification", fields: ["steps"] }],
      other: [],
    });
  });

  it("a release created from the imported template carries its items", async () => {
    const p = await makeProject();
    expect((await importMarkdown(p.slug, "netra", await realChecklist(), p, { save: true })).status).toBe(201);
    const created = await api(`/api/v1/projects/${p.slug}/releases`, { token: p.token, json: { version: "v1.8.0", commit: "a".repeat(40), template: "netra" } });
    expect(created.status).toBe(201);
    const gate = await api(`/api/v1/projects/${p.slug}/releases/v1.8.0/gate?environment=staging`, { token: p.token });
    expect(gate.body.open).toBe(false);
    const blocking = gate.body.blocking as { item: string; reason: string }[];
    expect(blocking).toContainEqual(expect.objectContaining({ item: "websocket-throughput-500-events-sec", reason: "pending" }));
    expect(blocking).toContainEqual(expect.objectContaining({ item: "critical-event-verification", reason: "approvals" }));
    // Staging Verification is done on staging after its deploy: the release's template says so.
    const release = await api(`/api/v1/projects/${p.slug}/templates/netra`, { token: p.token });
    const definition = release.body.versions[0].definition as Template;
    expect(itemsOf(definition).find((i) => i.key === "staging-verification")).toMatchObject({ verifyOn: "staging" });
    // Rollback criteria never block the gate.
    expect(blocking.map((b) => b.item)).not.toContain("any-mission-critical-test-fails");
  });
});

describe("what the importer refuses", () => {
  it("a body that is not Markdown by its Content-Type is 415", async () => {
    const p = await makeProject();
    const markdown = await realChecklist();
    await nothingSaved(p.slug, "netra", async () => {
      for (const type of ["application/json", "application/yaml", "text/html", "application/octet-stream"]) {
        expectApiError(await importMarkdown(p.slug, "netra", markdown, p, { save: true, type }), 415, "unsupported_media_type");
      }
      expectApiError(await send(`/api/v1/projects/${p.slug}/templates/netra/import?save=1`, { token: p.token, body: markdown }), 415, "unsupported_media_type");
    });
    // text/x-markdown and charset parameters are Markdown too.
    expect((await importMarkdown(p.slug, "netra", markdown, p, { type: "text/x-markdown" })).status).toBe(200);
    expect((await importMarkdown(p.slug, "netra", markdown, p, { type: "text/markdown; charset=utf-8" })).status).toBe(200);
  });

  it("an empty document, or one with nothing to make items from, is 422", async () => {
    const p = await makeProject();
    await nothingSaved(p.slug, "netra", async () => {
      for (const markdown of ["", "   \n\n", "Just a paragraph of prose, no list, no heading.\n"]) {
        const error = expectApiError(await importMarkdown(p.slug, "netra", markdown, p, { save: true }), 422, "validation_failed");
        expect(error.message).toMatch(/nothing to import/i);
      }
    });
  });

  it("over 256 KB is 422 with a message saying so; over 5 MB is 413", async () => {
    const p = await makeProject();
    const big = `# Checklist\n\n## Checks\n\n- [ ] one\n\n${"Lorem ipsum dolor sit amet. ".repeat(Math.ceil((300 * 1024) / 28))}\n`;
    await nothingSaved(p.slug, "netra", async () => {
      const error = expectApiError(await importMarkdown(p.slug, "netra", big, p, { save: true }), 422, "validation_failed");
      expect(error.message).toContain("256 KB");
      const huge = await send(`/api/v1/projects/${p.slug}/templates/netra/import?save=1`, {
        token: p.token,
        headers: { "content-type": "text/markdown" },
        body: "x".repeat(5 * 1024 * 1024 + 1),
      });
      expectApiError(huge, 413, "payload_too_large");
    });
  });

  it("more than 2,000 list lines is 422, answered quickly", async () => {
    const p = await makeProject();
    const many = `# Checklist\n\n## Checks\n\n${Array.from({ length: 2_500 }, (_, i) => `- [ ] step ${i}`).join("\n")}\n`;
    const started = Date.now();
    const error = await nothingSaved(p.slug, "netra", async () => expectApiError(await importMarkdown(p.slug, "netra", many, p, { save: true }), 422, "validation_failed"));
    expect(error.message).toContain("2,000");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a token without templates:write is 403; the importer needs it even without ?save", async () => {
    const p = await makeProject();
    const readOnly = await makeToken(p.slug, ["gate:read", "results:write", "releases:write"]);
    const engineer = await person(p.slug, "engineer");
    await nothingSaved(p.slug, "netra", async () => {
      expectApiError(await importMarkdown(p.slug, "netra", await realChecklist(), { token: readOnly }, { save: true }), 403, "forbidden");
      expectApiError(await importMarkdown(p.slug, "netra", await realChecklist(), { token: readOnly }), 403, "forbidden");
      expectApiError(await importMarkdown(p.slug, "netra", await realChecklist(), engineer, { save: true }), 403, "forbidden");
    });
    const admin = await person(p.slug, "admin");
    expect((await importMarkdown(p.slug, "netra", await realChecklist(), admin, { save: true })).status).toBe(201);
  });
});

describe("HTML in Markdown", () => {
  it("is kept as text in titles and instructions, never dropped or turned into markup", async () => {
    const p = await makeProject();
    const markdown = [
      "# Release checklist",
      "",
      "## Checks",
      "",
      '- [ ] Verify <script>alert("title")</script> is not run',
      "- [ ] Open <img src=x onerror=alert(2)> page",
      "",
      "### Notes item",
      "",
      "Paste <script>document.cookie</script> here.",
      "",
    ].join("\n");
    const response = await importMarkdown(p.slug, "html", markdown, p, { save: true });
    expect(response.status).toBe(201);
    const items = itemsOf(response.body.template as Template);
    const titles = items.map((i) => i.title);
    expect(titles).toContain('Verify <script>alert("title")</script> is not run');
    expect(titles).toContain("Open <img src=x onerror=alert(2)> page");
    expect(items.find((i) => i.title === "Notes item")?.instructions).toBe("Paste <script>document.cookie</script> here.");
    for (const item of items) expect(item.key).toMatch(/^[a-z0-9][a-z0-9._-]*$/);

    // Stored and served back verbatim, as JSON text.
    const got = await api(`/api/v1/projects/${p.slug}/templates/html`, { token: p.token });
    expect(JSON.stringify(got.body.versions[0].definition)).toContain("<script>document.cookie</script>");
    expect(got.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

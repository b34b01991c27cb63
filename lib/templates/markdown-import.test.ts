import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Code, Nodes } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import { describe, expect, it } from "vitest";
import {
  importMarkdownChecklist,
  MarkdownImportError,
  MAX_CONTAINER_LINES,
  MAX_MARKDOWN_BYTES,
  MAX_PARSED_BYTES,
} from "./markdown-import";
import { inferPhase } from "./markdown-text";
import { MAX_TEMPLATE_ITEMS, templateSchema, type TemplateDefinition, type TemplateItem } from "./schema";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURE_PATH = `${ROOT}prisma/seed/deployment-checklist.md`;
const TEAM_DOCUMENT_SHA256 = "9a3b2641cf8c8b368d5d1f3d697316714a3bfeb735bcce1bcac9779aaf381c4d";
// The expected import of the fixture, reviewed by hand. After an intended change, regenerate it
// with `npx tsx -e` printing `stableJson(importMarkdownChecklist(fixture).template)` and review
// the diff line by line before committing it: this test exists to make such changes visible.
const GOLDEN_PATH = fileURLToPath(new URL("./__golden__/deployment-checklist.template.json", import.meta.url));

const fixture = readFileSync(FIXTURE_PATH, "utf8");

/** Pretty JSON with object keys sorted, so the golden file does not depend on property order. */
function stableJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

const items = (template: TemplateDefinition): TemplateItem[] => template.sections.flatMap((s) => s.items);

function sectionOf(template: TemplateDefinition, title: string) {
  const section = template.sections.find((s) => s.title === title);
  if (!section) throw new Error(`no section "${title}" in ${template.sections.map((s) => s.title).join(", ")}`);
  return section;
}

function itemWith<K extends TemplateItem["kind"]>(
  template: TemplateDefinition,
  kind: K,
  predicate: (item: Extract<TemplateItem, { kind: K }>) => boolean,
): Extract<TemplateItem, { kind: K }> {
  const found = items(template).find((i): i is Extract<TemplateItem, { kind: K }> => i.kind === kind && predicate(i as never));
  if (!found) throw new Error(`no matching ${kind} item`);
  return found;
}

const KEY = /^[a-z0-9][a-z0-9._-]*$/;

describe("importMarkdownChecklist: the team's deployment checklist", () => {
  const { template, warnings, itemNotes, repairs, repairedTitles } = importMarkdownChecklist(fixture);

  it("matches the reviewed golden template", () => {
    expect(stableJson(template)).toBe(readFileSync(GOLDEN_PATH, "utf8"));
  });

  it("is a valid template, unchanged by validating it again", () => {
    expect(templateSchema.parse(template)).toEqual(template);
    expect(template.name).toBe("Deployment Checklist - Mission Critical");
  });

  it("keeps every section heading in order, with phases from the heading words", () => {
    expect(template.sections.map((s) => [s.title, s.phase])).toEqual([
      ["Pre-Deployment Requirements", "pre-deploy"],
      ["Automated Deployment Checks", "pre-deploy"],
      ["Manual Verification Steps", "pre-deploy"],
      ["Rollback Criteria", "rollback"],
      ["Post-Deployment Monitoring", "monitoring"],
      ["Pre-Deployment Tests", "pre-deploy"],
      ["Environment Configuration", "pre-deploy"],
      ["Database Migrations", "pre-deploy"],
      ["Docker & Dependencies", "pre-deploy"],
      ["Deployment Execution", "deploy"],
      ["Post-Deployment Validation", "post-deploy"],
      ["Monitoring Setup", "monitoring"],
    ]);
  });

  it("keeps reference sections out of the checklist, verbatim in the description, with warnings", () => {
    const titles = template.sections.map((s) => s.title);
    for (const reference of ["Related Documentation", "Emergency Contacts", "Version History"]) {
      expect(titles).not.toContain(reference);
      expect(warnings).toContain(`"${reference}" is reference material, not checklist steps: kept in the template description.`);
    }
    const description = template.description ?? "";
    expect(description).toContain("- [WebSocket Integration Learning](SPEC/learnings/websocket_agent_integration_critical.xml)");
    expect(description).toContain("- [Mission Critical Tests](tests/mission_critical/README.md)");
    expect(description).toContain("- [CLAUDE.md Requirements](CLAUDE.md#6-mission-critical-websocket-agent-events)");
    expect(description).toContain("- **2025-08-30**: Added mission critical WebSocket checks");
    // The file has "\uF8FFüö®" (U+F8FF is the Apple logo): "🚨" saved as UTF-8, read back as Mac Roman.
    expect(description).toContain("## 🚨 CRITICAL: WebSocket Agent Events\n\n**MUST PASS BEFORE ANY DEPLOYMENT**");
    expect(warnings).toEqual([
      'Repaired text that was UTF-8 read as Mac Roman: "<U+F8FF>üö®" → "🚨" on line 3; "‚úÖ" → "✅" on lines 17, 18, 19; "‚ùå" → "❌" on lines 76, 77, 78, 79.',
      'pytest target "tests/mission_critical/test_final_validation.py" under "Run Full Mission Critical Suite" is already checked under "WebSocket Event Integration Tests"; not added twice.',
      '"Related Documentation" is reference material, not checklist steps: kept in the template description.',
      '"Emergency Contacts" is reference material, not checklist steps: kept in the template description.',
      '"Version History" is reference material, not checklist steps: kept in the template description.',
      "\"Staging Verification\" is done on staging after its deploy, so it gates production, not staging (“Deploy to staging first”; the project's environments were not given, so the document's order counts: development, staging, production).",
      'Section "Post-Deployment Validation" is checked after a deploy but names no environment: left to be done after each deploy, gating nothing. Choose where it is done in the preview.',
    ]);
  });

  it("makes check items for the pytest targets, with the expected count", () => {
    const checks = items(template).filter((i) => i.kind === "check");
    expect(checks.map((c) => [c.patterns, c.expect])).toEqual([
      [["tests/mission_critical/test_final_validation.py"], { count: 5 }],
      [["tests/mission_critical/test_websocket_agent_events_suite.py::TestRegressionPrevention"], "all-pass"],
      [["tests/mission_critical/"], "all-pass"],
      [
        ["tests/mission_critical/test_websocket_events_advanced.py::TestPerformanceBenchmarks::test_high_frequency_event_throughput"],
        "all-pass",
      ],
    ]);
    expect(checks[0]!.title).toBe("✅ All 5 tests in test_final_validation.py MUST pass");
    expect(checks[1]!.title).toBe("✅ All regression prevention tests MUST pass");
  });

  it("makes a metric item for the throughput benchmark", () => {
    const metric = itemWith(template, "metric", () => true);
    expect(metric).toMatchObject({
      metric: "websocket_events_per_sec",
      operator: ">",
      threshold: 500,
      unit: "events/sec",
      title: "WebSocket throughput > 500 events/sec",
    });
    expect(sectionOf(template, "Automated Deployment Checks").items).toContain(metric);
  });

  it("makes the five critical events tickable steps of one manual item", () => {
    const events = itemWith(template, "manual", (i) => i.title === "Critical Event Verification");
    expect(events.steps).toEqual([
      "agent_started - User sees processing began",
      "agent_thinking - Real-time reasoning visibility",
      "tool_executing - Tool usage transparency",
      "tool_completed - Tool results display",
      "agent_completed - User knows when done",
    ]);
    expect(events.role).toBe("release-manager");
  });

  it("turns the integration points into guarded paths named by the mission-critical checks", () => {
    const critical = [
      "tests/mission_critical/test_final_validation.py",
      "tests/mission_critical/test_websocket_agent_events_suite.py::TestRegressionPrevention",
      "tests/mission_critical/",
      "tests/mission_critical/test_websocket_events_advanced.py::TestPerformanceBenchmarks::test_high_frequency_event_throughput",
    ];
    expect(template.guardedPaths).toEqual([
      {
        path: "netra_backend/app/agents/supervisor/agent_registry.py",
        lines: { from: 126, to: 141 },
        note: "Line 126-141 (set_websocket_manager)",
        checks: critical,
      },
      { path: "netra_backend/app/agents/enhanced_tool_execution.py", note: "Enhancement function", checks: critical },
      { path: "netra_backend/app/agents/supervisor/websocket_notifier.py", note: "Event methods", checks: critical },
    ]);
    expect(items(template).some((i) => i.title.includes("Integration Points"))).toBe(false);
  });

  it("makes the rollback criteria watch items: one on the mission-critical check, three on alerts", () => {
    const watches = sectionOf(template, "Rollback Criteria").items;
    expect(watches.map((w) => (w.kind === "watch" ? [w.title, w.check ?? null, w.alert ?? null] : w.kind))).toEqual([
      ["❌ Any mission critical test fails", "tests/mission_critical/", null],
      ["❌ WebSocket events not appearing in frontend", null, "websocket-events-not-appearing-in-frontend"],
      ["❌ Tool execution events missing", null, "tool-execution-events-missing"],
      ['❌ Chat UI appears "frozen" (no real-time updates)', null, "chat-ui-appears-frozen"],
    ]);
  });

  it("keeps the monitoring metrics as advisory manual items", () => {
    const monitoring = sectionOf(template, "Post-Deployment Monitoring").items;
    expect(monitoring.map((i) => [i.kind, i.title, i.required])).toEqual([
      ["manual", "WebSocket event count per minute", false],
      ["manual", "Missing event type alerts", false],
      ["manual", "Tool event pairing (executing/completed ratio)", false],
      ["manual", "Agent completion rate", false],
    ]);
  });

  it("makes a required manual item for every `- [ ]` task", () => {
    const tasks = fixture.split("\n").filter((line) => line.startsWith("- [ ] ")).length;
    const taskSections = ["Environment Configuration", "Post-Deployment Validation", "Monitoring Setup"];
    const taskItems = taskSections.flatMap((title) => sectionOf(template, title).items);
    expect(taskItems).toHaveLength(tasks);
    expect(taskItems.every((i) => i.kind === "manual" && i.required && i.role === "release-manager")).toBe(true);
    expect(sectionOf(template, "Environment Configuration").items.map((i) => i.title)).toEqual([
      "Verify .env files for target environment",
      "Check SERVICE_SECRET and SERVICE_ID are set",
      "Validate OAuth redirect URIs match deployment URL",
      "Confirm JWT_SECRET_KEY is consistent across services",
    ]);
    expect(sectionOf(template, "Monitoring Setup").items.map((i) => i.title)).toContain("Grafana dashboards loading");
  });

  it("makes the manual verification steps manual items, staging with its bullets as steps", () => {
    const [local, staging] = sectionOf(template, "Manual Verification Steps").items;
    expect(local).toMatchObject({ kind: "manual", title: "Local Testing", steps: [] });
    expect(local).not.toHaveProperty("verifyOn");
    expect(local!.instructions).toContain("python dev_launcher/launcher.py");
    expect(staging).toMatchObject({
      kind: "manual",
      title: "Staging Verification",
      steps: [
        "Deploy to staging first",
        "Open browser developer tools",
        "Send chat message",
        "Monitor Network > WS tab",
        "Verify all 5 critical events appear",
      ],
    });
  });

  it("keeps every code block verbatim in the instructions of its item", () => {
    const tree = fromMarkdown(fixture, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
    const blocks: Code[] = [];
    const visit = (node: Nodes) => {
      if (node.type === "code") blocks.push(node);
      if ("children" in node) node.children.forEach(visit);
    };
    visit(tree);
    expect(blocks).toHaveLength(8);
    const instructions = items(template).map((i) => i.instructions ?? "");
    for (const block of blocks) {
      const fenced = `\`\`\`${block.lang ?? ""}\n${block.value}\n\`\`\``;
      expect(instructions.some((text) => text.includes(fenced)), fenced).toBe(true);
    }
  });

  it("takes the rollback instructions from the emergency contacts", () => {
    expect(template.rollback).toEqual({ instructions: "Use previous Cloud Run revision" });
  });

  it("gives stable, unique keys that match the key pattern, from the titles", () => {
    const keys = items(template).map((i) => i.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => KEY.test(k))).toBe(true);
    expect(keys).toContain("critical-event-verification");
    expect(keys).toContain("all-5-tests-in-test-final-validation-py-must-pass");
  });

  it("does Staging Verification on staging after its deploy, gating production; nothing else", () => {
    const staging = itemWith(template, "manual", (i) => i.title === "Staging Verification");
    expect(staging.verifyOn).toBe("staging");
    expect(items(template).filter((i) => i.verifyOn !== undefined).map((i) => i.key)).toEqual(["staging-verification"]);
    expect(itemNotes).toEqual([
      {
        section: 2,
        item: 1,
        key: "staging-verification",
        note: "Done on staging after its deploy; gates production. The text says “Deploy to staging first”; the project's environments were not given, so the document's order counts: development, staging, production.",
        because: "Deploy to staging first",
      },
    ]);
    // Post-Deployment Validation names no environment: left after each deploy, with a warning.
    expect(sectionOf(template, "Post-Deployment Validation").items.every((i) => i.verifyOn === undefined)).toBe(true);
  });

  it("decides the same with the project's environments, and says so without the document's order", () => {
    const imported = importMarkdownChecklist(fixture, { environments: ["staging", "production"] });
    expect(imported.template).toEqual(template);
    expect(imported.itemNotes.map((n) => n.note)).toEqual(["Done on staging after its deploy; gates production. The text says “Deploy to staging first”."]);
    expect(imported.warnings).toContain("\"Staging Verification\" is done on staging after its deploy, so it gates production, not staging (“Deploy to staging first”).");
  });

  it("leaves Staging Verification unset, with a warning, when the project has no staging or nothing after it", () => {
    const other = importMarkdownChecklist(fixture, { environments: ["stg", "prod"] });
    expect(items(other.template).some((i) => i.verifyOn !== undefined)).toBe(false);
    expect(other.itemNotes).toEqual([]);
    expect(other.warnings).toContain(
      "\"Staging Verification\" says “Deploy to staging first”, but staging is not one of this project's environments (stg, prod): left to be done before each deploy. Choose where it is done in the preview.",
    );
    const last = importMarkdownChecklist(fixture, { environments: ["qa", "staging"] });
    expect(items(last.template).some((i) => i.verifyOn !== undefined)).toBe(false);
    expect(last.warnings).toContain(
      "\"Staging Verification\" says “Deploy to staging first”, but no environment comes after staging for it to gate: left to be done before each deploy. Choose where it is done in the preview.",
    );
  });

  it("repairs the mojibake, says where, and lists the titles it changed", () => {
    const titles = items(template).map((i) => i.title);
    expect(titles.filter((t) => t.startsWith("✅ "))).toHaveLength(3);
    expect(titles.filter((t) => t.startsWith("❌ "))).toHaveLength(4);
    expect(JSON.stringify(template)).not.toMatch(/‚úÖ|‚ùå|üö®|\uF8FF/);
    expect(template.description).toContain("🚨 CRITICAL");
    expect(repairs).toEqual([
      { line: 3, from: "\uF8FFüö®", to: "🚨" },
      ...[17, 18, 19].map((line) => ({ line, from: "‚úÖ", to: "✅" })),
      ...[76, 77, 78, 79].map((line) => ({ line, from: "‚ùå", to: "❌" })),
    ]);
    expect(repairedTitles).toHaveLength(7);
    expect(repairedTitles[0]).toEqual({
      section: 0,
      item: 0,
      before: "‚úÖ All 5 tests in test_final_validation.py MUST pass",
      after: "✅ All 5 tests in test_final_validation.py MUST pass",
    });
    expect(repairedTitles.map((r) => template.sections[r.section]!.items[r.item!]!.title)).toEqual(repairedTitles.map((r) => r.after));
  });
});

describe("importMarkdownChecklist: steps done on one environment after its deploy", () => {
  const envs = { environments: ["staging", "production"] };
  const doc = (...lines: string[]) => `# Checklist\n\n${lines.join("\n")}\n`;

  it("gives a section's items verifyOn when the section says so, and an item's own words win", () => {
    const { template, itemNotes, warnings } = importMarkdownChecklist(
      doc("## Pre-deploy", "", "- [ ] Unit tests green", "", "## Staging verification", "", "- [ ] Login works", "- [ ] Payments work", ""),
      envs,
    );
    expect(items(template).map((i) => [i.title, i.verifyOn ?? null])).toEqual([
      ["Unit tests green", null],
      ["Login works", "staging"],
      ["Payments work", "staging"],
    ]);
    expect(itemNotes.map((n) => [n.section, n.item, n.key])).toEqual([
      [1, 0, "login-works"],
      [1, 1, "payments-work"],
    ]);
    expect(warnings).toContain('Section "Staging verification" (2 items) are done on staging after its deploy, so they gate production, not staging (“Staging verification”).');
  });

  it("recognises the usual ways of saying it", () => {
    for (const step of [
      "Deploy to staging first, then open the app",
      "Deployed on the staging environment before production",
      "Deploy to staging and verify the banner",
      "After deploying to staging, send a message",
      "Staging smoke tests pass",
      "Verify on staging that login works",
      "Post-deployment validation on staging",
      "Checked in the STAGING environment",
    ]) {
      const { template } = importMarkdownChecklist(doc("## Checks", "", `- [ ] ${step}`), envs);
      expect(items(template)[0]!.verifyOn, step).toBe("staging");
    }
  });

  it("does not read other mentions of an environment as one", () => {
    for (const step of [
      "Run the suite with --env staging",
      "python deploy.py --project netra-staging",
      "Deploy to production",
      "Staging is frozen during the release",
      "Verify .env files for target environment",
    ]) {
      const { template, warnings } = importMarkdownChecklist(doc("## Checks", "", `- [ ] ${step}`), envs);
      expect(items(template)[0]!.verifyOn, step).toBeUndefined();
      expect(warnings.join("\n"), step).not.toMatch(/after its deploy|names no environment/);
    }
  });

  it("uses the project's own environment names, in their order", () => {
    const { template, itemNotes } = importMarkdownChecklist(doc("## Checks", "", "- [ ] Verify on uat", "- [ ] Verify on qa"), {
      environments: ["qa", "uat", "production"],
    });
    expect(items(template).map((i) => i.verifyOn)).toEqual(["uat", "qa"]);
    expect(itemNotes.map((n) => n.note)).toEqual([
      "Done on uat after its deploy; gates production. The text says “Verify on uat”.",
      "Done on qa after its deploy; gates uat, production. The text says “Verify on qa”.",
    ]);
  });

  it("without the project's environments, needs the document to name a later one", () => {
    const alone = importMarkdownChecklist(doc("## Checks", "", "- [ ] Deploy to staging first and verify there"));
    expect(items(alone.template)[0]!.verifyOn).toBeUndefined();
    expect(alone.warnings).toContain(
      '"Deploy to staging first and verify there" says “Deploy to staging first”, but no environment comes after staging for it to gate: left to be done before each deploy. Choose where it is done in the preview.',
    );
    const followed = importMarkdownChecklist(doc("## Checks", "", "- [ ] Deploy to staging first and verify there", "- [ ] Approve the production deploy"));
    expect(items(followed.template)[0]!.verifyOn).toBe("staging");
  });

  it("leaves post-deployment validation without an environment unset, with a warning", () => {
    const { template, warnings } = importMarkdownChecklist(doc("## Checks", "", "- [ ] Post-deploy checks pass"), envs);
    expect(items(template)[0]!.verifyOn).toBeUndefined();
    expect(warnings).toContain(
      '"Post-deploy checks pass" is checked after a deploy but names no environment: left to be done before each deploy. Choose where it is done in the preview.',
    );
  });

  it("never gives rollback watches or monitoring items a verifyOn", () => {
    const { template } = importMarkdownChecklist(
      doc("## Rollback criteria", "", "- Staging verification fails", "", "## Monitoring", "", "- Verify on staging dashboards"),
      envs,
    );
    expect(items(template).every((i) => i.verifyOn === undefined)).toBe(true);
  });
});

describe("importMarkdownChecklist: determinism and the fixture", () => {
  it("gives identical output when importing twice", () => {
    const first = importMarkdownChecklist(fixture);
    const second = importMarkdownChecklist(fixture);
    expect(second).toEqual(first);
    expect(stableJson(second)).toBe(stableJson(first));
  });

  it("gives the same template for Windows line endings", () => {
    expect(importMarkdownChecklist(fixture.replace(/\n/g, "\r\n"))).toEqual(importMarkdownChecklist(fixture));
  });

  it("takes the template name from the options when given", () => {
    expect(importMarkdownChecklist(fixture, { name: "netra-release" }).template.name).toBe("netra-release");
  });

  // The team's document, pinned by its SHA-256 so the check runs in every clone.
  it("keeps the fixture byte-identical to the team's document", () => {
    expect(createHash("sha256").update(readFileSync(FIXTURE_PATH)).digest("hex")).toBe(TEAM_DOCUMENT_SHA256);
  });
});

describe("importMarkdownChecklist: other Markdown", () => {
  it("imports a list without headings as one section", () => {
    const { template } = importMarkdownChecklist("- [ ] Tag the release\n- [ ] Run smoke tests\n- Notify #releases\n");
    expect(template.name).toBe("Imported checklist");
    expect(template.sections).toHaveLength(1);
    expect(template.sections[0]!.items.map((i) => [i.kind, i.key, i.title])).toEqual([
      ["manual", "tag-the-release", "Tag the release"],
      ["manual", "run-smoke-tests", "Run smoke tests"],
      ["manual", "notify-releases", "Notify #releases"],
    ]);
  });

  it("turns nested lists into steps and keeps links verbatim in the instructions", () => {
    const markdown = [
      "## Prepare the release",
      "- Bump versions",
      "  - package.json",
      "    - and the lock file",
      "  - the [changelog](https://example.com/changelog)",
      "- Ship",
      "  1. deploy",
      "  2. verify",
    ].join("\n");
    const { template } = importMarkdownChecklist(markdown);
    const [bump, ship] = template.sections[0]!.items;
    expect(bump).toMatchObject({
      kind: "manual",
      title: "Bump versions",
      steps: ["package.json and the lock file", "the changelog"],
    });
    expect(bump!.instructions).toContain("[changelog](https://example.com/changelog)");
    expect(ship).toMatchObject({ title: "Ship", steps: ["deploy", "verify"] });
  });

  it("makes each table row an item, with the other cells as details", () => {
    const markdown = [
      "## Checks",
      "",
      "| Step | Owner | Notes |",
      "|---|---|---|",
      "| Run `pytest tests/smoke/` | QA | all 3 tests must pass |",
      "| Sign off | PM | see [runbook](https://example.com/rb) |",
    ].join("\n");
    const { template } = importMarkdownChecklist(markdown);
    const [smoke, signOff] = template.sections[0]!.items;
    expect(smoke).toMatchObject({ kind: "check", patterns: ["tests/smoke/"], expect: { count: 3 } });
    expect(signOff).toMatchObject({
      kind: "manual",
      title: "Sign off",
      instructions: "- **Owner**: PM\n- **Notes**: see [runbook](https://example.com/rb)",
    });
  });

  it("keeps raw HTML as text, in titles and instructions, never dropping it", () => {
    const markdown = [
      "## Deploy",
      "",
      "<script>alert('block')</script>",
      "",
      "- <script>alert(1)</script> check the banner",
      "- Plain step",
      "",
      '<img src=x onerror="alert(2)">',
    ].join("\n");
    const { template } = importMarkdownChecklist(markdown);
    const [first, second] = template.sections[0]!.items;
    expect(first!.title).toBe("<script>alert(1)</script> check the banner");
    expect(first!.instructions).toBe("<script>alert('block')</script>\n\n<script>alert(1)</script> check the banner");
    expect(second!.instructions).toBe('<img src=x onerror="alert(2)">');
  });

  it("turns a section of prose or HTML only into one manual item named after it", () => {
    const { template } = importMarkdownChecklist("## Final approval\n\nAsk the <b>release manager</b> to approve.\n");
    expect(template.sections[0]!.items).toEqual([
      expect.objectContaining({
        kind: "manual",
        key: "final-approval",
        title: "Final approval",
        instructions: "Ask the <b>release manager</b> to approve.",
      }),
    ]);
  });

  it("reads rollback criteria with thresholds and test paths as watches", () => {
    const markdown = "## Rollback if\n- error rate > 5%\n- `pytest tests/e2e/` fails\n- checkout broken\n";
    const { template } = importMarkdownChecklist(markdown);
    expect(template.sections[0]!.phase).toBe("rollback");
    expect(template.sections[0]!.items).toEqual([
      expect.objectContaining({ kind: "watch", metric: { name: "error_rate_percent", operator: ">", threshold: 5 } }),
      expect.objectContaining({ kind: "watch", check: "tests/e2e/" }),
      expect.objectContaining({ kind: "watch", alert: "checkout-broken" }),
    ]);
  });

  it("deduplicates keys with suffixes, in document order", () => {
    const { template } = importMarkdownChecklist("## Pre-deploy\n- [ ] Check\n- [ ] Check\n- [ ] Check 2\n- [ ] Check\n");
    expect(items(template).map((i) => i.key)).toEqual(["check", "check-2", "check-2-2", "check-3"]);
  });

  it("refuses an empty document, or one without structure", () => {
    for (const markdown of ["", "   \n\n", "Just a paragraph of prose.", "🚀", "---"]) {
      expect(() => importMarkdownChecklist(markdown), JSON.stringify(markdown)).toThrow(MarkdownImportError);
    }
    expect(() => importMarkdownChecklist("")).toThrow(/Nothing to import/);
  });

  it("refuses a document with only reference material or a title", () => {
    expect(() => importMarkdownChecklist("# Title\n")).toThrow(MarkdownImportError);
    expect(() => importMarkdownChecklist("## Version History\n- 1.0: first\n")).toThrow(MarkdownImportError);
  });

  it("imports a lone emoji item, with a key from its kind", () => {
    const { template } = importMarkdownChecklist("- 🚀\n");
    expect(template.sections[0]!.items).toEqual([expect.objectContaining({ key: "manual", title: "🚀" })]);
  });

  it("replaces broken UTF-16 and NUL with U+FFFD, with a warning", () => {
    const { template, warnings } = importMarkdownChecklist("- a\uD800b\n- \uDC00\n- ok\0nul\n- 😀 fine\n");
    expect(items(template).map((i) => i.title)).toEqual(["a\uFFFDb", "\uFFFD", "ok\uFFFDnul", "😀 fine"]);
    expect(warnings).toEqual(['Replaced 3 invalid characters (NUL or broken UTF-16) with "\uFFFD".']);
  });

  it("refuses input over 5 MB", () => {
    const tooBig = "a".repeat(MAX_MARKDOWN_BYTES + 1);
    expect(() => importMarkdownChecklist(tooBig)).toThrow(MarkdownImportError);
    expect(() => importMarkdownChecklist(tooBig)).toThrow(/at most 5 MB/);
    // Bytes, not characters: 'é' takes two.
    expect(() => importMarkdownChecklist("é".repeat(MAX_MARKDOWN_BYTES / 2 + 1))).toThrow(/at most 5 MB/);
  });

  it("refuses ~4.9 MB of checklist cleanly and quickly", () => {
    const started = Date.now();
    const large = "- [ ] a release task that someone has to do\n".repeat(Math.floor((4.9 * 1024 * 1024) / 45));
    expect(() => importMarkdownChecklist(large)).toThrow(MarkdownImportError);
    expect(() => importMarkdownChecklist(large)).toThrow(/over 256 KB/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("imports a document at the parsing limits within a few seconds", () => {
    // A heading before every list is the parser's slowest common shape (quadratic in lists);
    // nested steps fill the list-line limit while the items stay within the template's limit.
    const perItem = MAX_CONTAINER_LINES / MAX_TEMPLATE_ITEMS;
    const sections = Array.from({ length: MAX_TEMPLATE_ITEMS }, (_, s) => `## Step ${s} checks\n- [ ] task ${s}\n${"  - sub-step\n".repeat(perItem - 1)}`).join("");
    expect(Buffer.byteLength(sections)).toBeLessThan(MAX_PARSED_BYTES);
    const started = Date.now();
    const { template } = importMarkdownChecklist(sections);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(items(template)).toHaveLength(MAX_TEMPLATE_ITEMS);
  }, 20_000);

  it("refuses a document that makes more items than a template holds, saying how many", () => {
    const sections = Array.from({ length: MAX_TEMPLATE_ITEMS + 1 }, (_, s) => `## Step ${s} checks\n- [ ] task ${s}\n`).join("");
    expect(() => importMarkdownChecklist(sections)).toThrow(new RegExp(`makes ${MAX_TEMPLATE_ITEMS + 1} items; a template holds at most ${MAX_TEMPLATE_ITEMS}`));
  }, 20_000);

  it("refuses more list or quote lines than it can read quickly", () => {
    const lines = "- [ ] a\n".repeat(MAX_CONTAINER_LINES + 1);
    expect(() => importMarkdownChecklist(lines)).toThrow(/list or quote lines/);
  });

  it("refuses pathological nesting quickly instead of hanging or overflowing the stack", () => {
    const started = Date.now();
    expect(() => importMarkdownChecklist(`- ${"> ".repeat(50_000)}x\n`)).toThrow(/more than 100 levels deep \(line 1\)/);
    const deepList = Array.from({ length: 150 }, (_, depth) => `${"  ".repeat(depth)}- level ${depth}`).join("\n");
    expect(() => importMarkdownChecklist(deepList)).toThrow(/more than 100 levels deep \(line 101\)/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("imports deep but plausible nesting", () => {
    const nested = Array.from({ length: 30 }, (_, depth) => `${"  ".repeat(depth)}- level ${depth}`).join("\n");
    const { template } = importMarkdownChecklist(nested);
    expect(template.sections[0]!.items).toEqual([expect.objectContaining({ title: "level 0" })]);
    const [steps] = items(template).map((i) => (i.kind === "manual" ? i.steps : []));
    expect(steps![0]).toMatch(/^level 1 level 2 .* level 29$/);
  });

  it("refuses a value that is not text", () => {
    expect(() => importMarkdownChecklist(42 as unknown as string)).toThrow(MarkdownImportError);
  });
});

describe("inferPhase", () => {
  it.each([
    ["Pre-Deployment Requirements", "pre-deploy"],
    ["1. Pre-Deployment Tests", "pre-deploy"],
    ["2. Environment Configuration", "pre-deploy"],
    ["3. Database Migrations", "pre-deploy"],
    ["Automated Deployment Checks", "pre-deploy"],
    ["Manual Verification Steps", "pre-deploy"],
    ["5. Deployment Execution", "deploy"],
    ["Deploy", "deploy"],
    ["6. Post-Deployment Validation", "post-deploy"],
    ["Post-Deployment Monitoring", "monitoring"],
    ["7. Monitoring Setup", "monitoring"],
    ["Rollback Criteria", "rollback"],
  ] as const)("%s -> %s", (title, phase) => {
    expect(inferPhase(title)).toBe(phase);
  });

  it("has no phase for headings without phase words", () => {
    expect(inferPhase("CRITICAL: WebSocket Agent Events")).toBeUndefined();
  });
});

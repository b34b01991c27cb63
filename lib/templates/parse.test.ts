import { describe, expect, it } from "vitest";
import { parseTemplate, type ParseOutcome, type TemplateProblem } from "./parse";
import type { TemplateDefinition } from "./schema";

// Line numbers matter for the problem tests below: keep this one line per entry.
const VALID_LINES = [
  /*  1 */ "name: netra-release",
  /*  2 */ "sections:",
  /*  3 */ "  - title: Before deploying",
  /*  4 */ "    phase: pre-deploy",
  /*  5 */ "    items:",
  /*  6 */ "      - kind: check",
  /*  7 */ "        key: smoke",
  /*  8 */ "        title: Smoke tests pass",
  /*  9 */ '        patterns: ["tests/smoke/*"]',
  /* 10 */ "      - kind: metric",
  /* 11 */ "        key: ws-throughput",
  /* 12 */ '        operator: ">"',
  /* 13 */ "        metric: websocket_events_per_sec",
  /* 14 */ "        title: WebSocket throughput",
  /* 15 */ "        threshold: 500",
  /* 16 */ "      - kind: manual",
  /* 17 */ "        key: ws-events",
  /* 18 */ "        title: Verify all 5 WebSocket events appear",
  /* 19 */ "        steps:",
  /* 20 */ "          - Open staging",
  /* 21 */ "          - Watch the Network > WS tab",
  /* 22 */ "  - title: Monitoring",
  /* 23 */ "    phase: monitoring",
  /* 24 */ "    items:",
  /* 25 */ "      - kind: watch",
  /* 26 */ "        key: error-rate",
  /* 27 */ "        title: Error rate stays low",
  /* 28 */ "        alert: HighErrorRate",
  /* 29 */ "rollback:",
  /* 30 */ "  instructions: Run `deploy rollback` and tell the releases channel.",
];

const yaml = (lines: string[]) => `${lines.join("\n")}\n`;

/** The valid template with line `n` (1-based) replaced. */
function withLine(n: number, text: string): string {
  const lines = [...VALID_LINES];
  lines[n - 1] = text;
  return yaml(lines);
}

function expectTemplate(outcome: ParseOutcome): TemplateDefinition {
  if (!outcome.ok) throw new Error(`expected a template, got problems: ${JSON.stringify(outcome.problems)}`);
  return outcome.template;
}

function expectProblems(outcome: ParseOutcome): TemplateProblem[] {
  if (outcome.ok) throw new Error("expected problems, got a template");
  expect(outcome.problems.length).toBeGreaterThan(0);
  return outcome.problems;
}

describe("parseTemplate: valid templates", () => {
  it("parses all four kinds from YAML and applies the defaults", () => {
    const template = expectTemplate(parseTemplate(yaml(VALID_LINES)));
    expect(template.name).toBe("netra-release");
    expect(template.rollback).toEqual({ instructions: "Run `deploy rollback` and tell the releases channel." });
    expect(template.sections.map((s) => [s.title, s.phase])).toEqual([
      ["Before deploying", "pre-deploy"],
      ["Monitoring", "monitoring"],
    ]);
    const [check, metric, manual] = template.sections[0]!.items;
    expect(check).toEqual({
      kind: "check",
      key: "smoke",
      title: "Smoke tests pass",
      patterns: ["tests/smoke/*"],
      required: true,
      environments: [],
      expect: "all-pass",
      allowFailures: 0,
      flaky: "pass",
    });
    expect(metric).toEqual({
      kind: "metric",
      key: "ws-throughput",
      title: "WebSocket throughput",
      metric: "websocket_events_per_sec",
      operator: ">",
      threshold: 500,
      required: true,
      environments: [],
    });
    expect(manual).toEqual({
      kind: "manual",
      key: "ws-events",
      title: "Verify all 5 WebSocket events appear",
      steps: ["Open staging", "Watch the Network > WS tab"],
      required: true,
      environments: [],
      role: "release-manager",
      approvals: 1,
      evidence: "optional",
      noSelfApproval: false,
    });
    expect(template.sections[1]!.items).toEqual([
      {
        kind: "watch",
        key: "error-rate",
        title: "Error rate stays low",
        alert: "HighErrorRate",
        required: true,
        environments: [],
      },
    ]);
  });

  it("keeps explicit values instead of the defaults", () => {
    const source = yaml([
      "name: explicit",
      "sections:",
      "  - title: Gate",
      "    phase: pre-deploy",
      "    items:",
      "      - kind: check",
      "        key: critical",
      "        title: All 5 mission critical tests",
      "        patterns: ['tests/mission_critical/']",
      "        expect: {count: 5}",
      "        allowFailures: 1",
      "        flaky: block",
      "        required: false",
      "        environments: [production]",
      "      - kind: manual",
      "        key: grafana",
      "        title: Grafana dashboards loading",
      "        role: admin",
      "        approvals: 2",
    ]);
    const [check, manual] = expectTemplate(parseTemplate(source)).sections[0]!.items;
    expect(check).toMatchObject({
      expect: { count: 5 },
      allowFailures: 1,
      flaky: "block",
      required: false,
      environments: ["production"],
    });
    expect(manual).toMatchObject({ role: "admin", approvals: 2 });
  });

  it("accepts JSON text", () => {
    const json = JSON.stringify({
      name: "from-json",
      sections: [
        {
          title: "Gate",
          phase: "pre-deploy",
          items: [
            { kind: "check", key: "build", title: "Build", patterns: ["github:ci/build"] },
            { kind: "metric", key: "p95", title: "p95 latency", metric: "p95_ms", operator: "<=", threshold: 250 },
          ],
        },
      ],
    });
    const template = expectTemplate(parseTemplate(json));
    expect(template.name).toBe("from-json");
    expect(template.sections[0]!.items).toEqual([
      expect.objectContaining({ kind: "check", patterns: ["github:ci/build"], expect: "all-pass", required: true }),
      expect.objectContaining({ kind: "metric", operator: "<=", threshold: 250 }),
    ]);
  });

  it("keeps script tags in titles and instructions as plain text, unaltered", () => {
    const title = "<script>alert('x')</script> & <b>bold</b>";
    const instructions = '<img src=x onerror="alert(1)"> see [docs](javascript:alert(1))';
    const source = JSON.stringify({
      name: "xss",
      sections: [
        { title: "<i>Gate</i>", phase: "pre-deploy", items: [{ kind: "manual", key: "m", title, instructions }] },
      ],
    });
    const template = expectTemplate(parseTemplate(source));
    expect(template.sections[0]!.title).toBe("<i>Gate</i>");
    expect(template.sections[0]!.items[0]).toMatchObject({ title, instructions });
  });

  it("keeps a script tag written in YAML as the same string", () => {
    const template = expectTemplate(parseTemplate(withLine(8, "        title: \"<script>alert(1)</script>\"")));
    expect(template.sections[0]!.items[0]!.title).toBe("<script>alert(1)</script>");
  });
});

describe("parseTemplate: problems", () => {
  it("refuses more than 500 items, saying how many there are", () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => `      - { key: m${i}, title: Item ${i}, kind: manual }`).join("\n");
    const source = (n: number) => `name: big\nsections:\n  - title: All\n    phase: pre-deploy\n    items:\n${items(n)}\n`;
    expect(parseTemplate(source(500)).ok).toBe(true);
    expect(expectProblems(parseTemplate(source(501)))[0]).toMatchObject({ path: "sections", message: expect.stringContaining("at most 500 items; this one has 501") });
  });

  it("reports invalid YAML syntax with line and column", () => {
    // Line 8 becomes "title: a: b", a nested mapping YAML refuses in compact form.
    const problems = expectProblems(parseTemplate(withLine(8, "        title: Smoke: tests")));
    expect(problems[0]).toMatchObject({ path: "", line: 8 });
    expect(problems[0]!.column).toBeGreaterThan(8);
    expect(problems[0]!.message).toMatch(/mapping/i);
  });

  it("reports an unterminated quote with a location", () => {
    const problems = expectProblems(parseTemplate('name: "unterminated\nsections: []\n'));
    expect(problems[0]!.line).toEqual(expect.any(Number));
    expect(problems[0]!.column).toEqual(expect.any(Number));
    expect(problems[0]!.message).toMatch(/quote/i);
  });

  it("reports duplicate mapping keys in the YAML", () => {
    const problems = expectProblems(parseTemplate("name: a\nname: b\nsections: []\n"));
    expect(problems[0]).toMatchObject({ line: 2, column: 1 });
    expect(problems[0]!.message).toMatch(/unique/i);
  });

  it("reports a bad operator with its dotted path and the line of the node", () => {
    const problems = expectProblems(parseTemplate(withLine(12, '        operator: "=>"')));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: "sections.0.items.1.operator", line: 12, column: 19 });
  });

  it("reports a wrongly typed value at its line", () => {
    const problems = expectProblems(parseTemplate(withLine(15, '        threshold: "500"')));
    expect(problems).toEqual([expect.objectContaining({ path: "sections.0.items.1.threshold", line: 15 })]);
  });

  it("reports a bad phase on its section's line", () => {
    const problems = expectProblems(parseTemplate(withLine(23, "    phase: pre-flight")));
    expect(problems).toEqual([expect.objectContaining({ path: "sections.1.phase", line: 23 })]);
  });

  it("reports a missing required field at the closest node", () => {
    // Drop the patterns line of the check item: the problem points at the item (line 6).
    const lines = VALID_LINES.filter((_, i) => i !== 8);
    const problems = expectProblems(parseTemplate(yaml(lines)));
    expect(problems).toEqual([expect.objectContaining({ path: "sections.0.items.0.patterns", line: 6 })]);
  });

  it("refuses duplicate item keys, even across sections", () => {
    const problems = expectProblems(parseTemplate(withLine(26, "        key: smoke")));
    expect(problems).toEqual([
      expect.objectContaining({ path: "sections.1.items.0.key", line: 26, message: 'Duplicate item key "smoke".' }),
    ]);
  });

  it("refuses unknown fields on items", () => {
    const lines = [...VALID_LINES];
    lines.splice(9, 0, "        colour: red");
    const problems = expectProblems(parseTemplate(yaml(lines)));
    // The problem points at the item that has the field (its mapping starts on line 6).
    expect(problems).toEqual([expect.objectContaining({ path: "sections.0.items.0", line: 6, column: 9 })]);
    expect(problems[0]!.message).toContain("colour");
  });

  it("refuses unknown fields at the top level and in sections", () => {
    const top = expectProblems(parseTemplate(`owner: someone\n${yaml(VALID_LINES)}`));
    expect(top).toEqual([expect.objectContaining({ path: "" })]);
    expect(top[0]!.message).toContain("owner");

    const section = expectProblems(parseTemplate(withLine(4, "    phase: pre-deploy\n    colour: red")));
    expect(section).toEqual([expect.objectContaining({ path: "sections.0" })]);
    expect(section[0]!.message).toContain("colour");
  });

  it("refuses an unknown item kind", () => {
    const problems = expectProblems(parseTemplate(withLine(25, "      - kind: webhook")));
    expect(problems[0]!.path).toMatch(/^sections\.1\.items\.0/);
  });

  it("refuses an empty document", () => {
    expectProblems(parseTemplate(""));
  });
});

describe("parseTemplate: hostile input", () => {
  it("refuses a billion-laughs alias bomb, quickly", () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      const prev = String.fromCharCode(96 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const started = performance.now();
    const problems = expectProblems(parseTemplate(`${levels.join("\n")}\n`));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(problems[0]!.message).toMatch(/alias/i);
  });

  it("refuses even a single alias in an otherwise valid template", () => {
    // A second check item after the watch item (before "rollback:"), reusing the first one's patterns.
    const build = (anchor: string, patterns: string) => {
      const lines = [...VALID_LINES];
      lines[8] = `        patterns: ${anchor}["tests/smoke/*"]`;
      lines.splice(28, 0, "      - kind: check", "        key: smoke-again", "        title: Again", `        patterns: ${patterns}`);
      return yaml(lines);
    };
    // Control: the same template written out in full is valid.
    expect(expectTemplate(parseTemplate(build("", '["tests/smoke/*"]'))).sections[1]!.items).toHaveLength(2);
    const problems = expectProblems(parseTemplate(build("&smoke ", "*smoke")));
    expect(problems[0]!.message).toMatch(/alias/i);
  });

  it("refuses a document over 1 MB", () => {
    const big = `${yaml(VALID_LINES)}# ${"x".repeat(1_000_000)}\n`;
    const problems = expectProblems(parseTemplate(big));
    expect(problems).toEqual([{ path: "", message: expect.stringMatching(/larger than 1000000 bytes/) }]);
  });

  it("measures the limit in bytes, not characters", () => {
    // 600 000 two-byte characters: 1.2 MB, though only 600 000 characters long.
    const big = `${yaml(VALID_LINES)}# ${"é".repeat(600_000)}\n`;
    expect(big.length).toBeLessThan(1_000_000);
    expect(parseTemplate(big).ok).toBe(false);
  });

  it("accepts a document just under the limit", () => {
    const source = yaml(VALID_LINES);
    const padded = `${source}# ${"x".repeat(999_000 - source.length)}\n`;
    expect(Buffer.byteLength(padded)).toBeLessThanOrEqual(1_000_000);
    expect(parseTemplate(padded).ok).toBe(true);
  });
});

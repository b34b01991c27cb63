// Plain-text rules of the Markdown importer: titles, keys, phases, pytest commands, thresholds,
// steps done on one environment after its deploy, and mojibake repairs in words.
// Everything here works on strings already taken out of the Markdown tree, and is deterministic.
import type { MetricOperator, Phase } from "./schema";

/** Runs of whitespace (line breaks inside a paragraph included) become one space. */
export const collapse = (text: string): string => text.replace(/\s+/g, " ").trim();

/** "1. Pre-Deployment Tests" -> "Pre-Deployment Tests": the template keeps order itself. */
export function stripOrdinal(title: string): string {
  const stripped = title.replace(/^\d+(?:\.\d+)*[.)]\s+/, "");
  return stripped || title;
}

/** Parenthetical remarks, for names derived from a title ("... frozen (no updates)"). */
export const withoutParentheticals = (text: string): string => collapse(text.replace(/\([^)]*\)/g, " "));

/**
 * A key or alert name from a title: ASCII letters and digits only, joined by '-'.
 * No transliteration on purpose: mojibake such as "‚úÖ" would otherwise turn into letters.
 */
export function slugify(text: string, max = 60): string {
  const parts = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  let slug = "";
  for (const part of parts) {
    const next = slug ? `${slug}-${part}` : part;
    if (next.length > max) break;
    slug = next;
  }
  return slug || (parts[0] ?? "").slice(0, max);
}

/** Lower-case ASCII words, camelCase split, for matching prose to test names. */
export function words(text: string): string[] {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2");
  return spaced.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Phases. Rules are tried in order on the section title (then on its enclosing headings):
// - "rollback"/"revert" first: "Rollback Criteria" are watch items, whatever else they say.
// - monitoring before post-deploy: "Post-Deployment Monitoring" is ongoing observation.
// - "post-deploy"/"after deploy": "Post-Deployment Validation" (health checks, metrics flowing)
//   only makes sense once the new version runs, so it is post-deploy and does not gate.
// - explicit "pre-deploy"/"before deploy"/"prerequisites" next, so "Pre-Deployment ..." never
//   reads as the deploy itself.
// - "execution"/"rollout"/"go-live", or a title that is just "Deploy(ment)": the deploy step.
// - then words that describe preparing a release (tests, checks, verification, migrations,
//   configuration, builds, dependencies): pre-deploy. "Manual Verification Steps" lands here:
//   local testing and staging verification happen before production and must gate it.
const PHASE_RULES: ReadonlyArray<readonly [Phase, RegExp]> = [
  ["rollback", /\broll[- ]?back|\brevert/],
  ["monitoring", /\bmonitor|\bobservab|\balert|\bdashboard|\bslos?\b/],
  ["post-deploy", /\bpost[- ]?(deploy|release|launch)|\bafter (the )?(deploy|release|launch)/],
  ["pre-deploy", /\bpre[- ]?(deploy|release|launch|flight)|\bbefore (the )?(deploy|release|launch)|\bprerequisite|\bprepar/],
  [
    "deploy",
    /\bexecution\b|\bexecute\b|\brollout\b|\broll-out\b|\bgo[- ]live\b|\bcut-?over\b|^(deploy|deployment|deploying)( (to|steps?|procedure|process)\b.*)?$/,
  ],
  [
    "pre-deploy",
    /\btest|\bcheck|\bverif|\bvalidat|\bmigrat|\bconfig|\bbuild|\bdependenc|\bsecret|\benvironment|\bapprov|\bsign[- ]?off|\breview|\brequirement/,
  ],
];

export function inferPhase(title: string): Phase | undefined {
  const text = collapse(stripOrdinal(title)).toLowerCase();
  return PHASE_RULES.find(([, rule]) => rule.test(text))?.[0];
}

/**
 * Reference material ("Emergency Contacts", "Related Documentation", "Version History"):
 * nothing to sign off or evaluate, so it goes to the template description, not a section.
 */
export const isReferenceTitle = (title: string): boolean =>
  /\b(contacts?|related|references?|documentation|resources|links|history|change ?log|glossary|faq|appendix|see also|further reading|escalation)\b/i.test(
    title,
  );

/** A whole section that says how to roll back ("## Rollback Procedure") feeds `rollback.instructions`. */
export const isRollbackInstructionsTitle = (title: string): boolean =>
  /\broll[- ]?back (instructions?|procedure|plan|steps|process|runbook)\b|\bhow to roll[- ]?back\b/i.test(title);

/**
 * "**Rollback Instructions**: Use previous Cloud Run revision" -> "Use previous Cloud Run revision".
 * Works on the Markdown source so links in the instructions survive; the colon may sit inside
 * or outside the bold label.
 */
export function rollbackLabelled(markdown: string): string | undefined {
  const label =
    /^\s*(?:\*\*|__)?\s*roll[- ]?back (?:instructions?|procedure|plan|steps)\s*(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*/i;
  const match = label.exec(markdown);
  if (!match) return undefined;
  const rest = markdown.slice(match[0].length).trim();
  return rest || undefined;
}

// ---------------------------------------------------------------------------------------------
// pytest commands in shell snippets.

/** Options whose value is the next word, so that value is not mistaken for a test path. */
const PYTEST_OPTIONS_WITH_VALUE = new Set([
  "-k", "-m", "-p", "-c", "-o", "-n", "-W", "--deselect", "--ignore", "--ignore-glob", "--rootdir",
  "--junitxml", "--junit-xml", "--tb", "--maxfail", "--durations", "--log-level", "--cov",
  "--cov-report", "--confcutdir", "--basetemp", "--html", "--alluredir", "--count", "--reruns",
  "--timeout", "--override-ini", "--capture", "--dist", "--log-file",
]);
const SHELL_SEPARATORS = new Set(["&&", "||", ";", "|", "&", ">", ">>", "2>&1", "<"]);

export interface PytestCommand {
  /** Result-key patterns: a file, a `file::Class::test` node id, or a directory ending in '/'. */
  targets: string[];
  /** The comment lines right above the command (without '#'), if any. */
  comment?: string;
  /** How many pytest commands share that comment: a comment describes a command only when 1. */
  sharedComment: number;
}

/** pytest invocations in a shell snippet, in order. Comment-only and non-pytest lines are skipped. */
export function pytestCommands(code: string): PytestCommand[] {
  const commands: PytestCommand[] = [];
  // A blank line ends a comment's reach; a backslash continues a command on the next line.
  for (const paragraph of code.replace(/\\\n/g, " ").split(/\n\s*\n/)) {
    const comment: string[] = [];
    const found: PytestCommand[] = [];
    for (const raw of paragraph.split("\n")) {
      const line = raw.trim();
      if (line.startsWith("#")) {
        if (found.length === 0) comment.push(collapse(line.replace(/^#+/, "")));
        continue;
      }
      const targets = pytestTargets(line.replace(/\s+#.*$/, ""));
      if (targets) found.push({ targets, sharedComment: 0 });
    }
    const text = comment.filter(Boolean).join(" ");
    for (const command of found) {
      commands.push({ ...command, sharedComment: found.length, ...(text ? { comment: text } : {}) });
    }
  }
  return commands;
}

/** The test paths of one command line if it runs pytest with at least one path; else undefined. */
function pytestTargets(line: string): string[] | undefined {
  const tokens = line.split(/\s+/).filter(Boolean);
  const at = tokens.findIndex((t) => /(^|\/)(pytest|py\.test)$/.test(t));
  if (at < 0) return undefined;
  const targets: string[] = [];
  for (let i = at + 1; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^['"]|['"]$/g, "");
    if (SHELL_SEPARATORS.has(token)) break;
    if (token.startsWith("-")) {
      if (PYTEST_OPTIONS_WITH_VALUE.has(token)) i++;
      continue;
    }
    if (/^[\w./*[\]:-]+$/.test(token)) targets.push(normaliseTarget(token));
    if (/;$/.test(tokens[i]!)) break;
  }
  return targets.length > 0 ? targets : undefined;
}

/** `./tests/x` and `tests/x` name the same directory; a directory pattern ends with '/'. */
function normaliseTarget(token: string): string {
  const target = token.replace(/^\.\//, "").replace(/;$/, "");
  const isDirectory = !target.includes("::") && !/\.py$/.test(target) && !/[*[\]]/.test(target);
  return isDirectory && !target.endsWith("/") ? `${target}/` : target;
}

/** The file name and last node-id segment of a target, which prose tends to quote. */
export function targetNames(target: string): string[] {
  const [file = "", ...nodes] = target.split("::");
  const base = file.replace(/\/$/, "").split("/").pop() ?? "";
  return [base, ...nodes.slice(-1)].filter(Boolean).map((n) => n.toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// "All 5 tests ... MUST pass" and friends.

/** Within one sentence: a '.' followed by a letter ("test_x.py") does not end it. */
const SAME_SENTENCE = String.raw`(?:[^.]|\.(?=\S))*`;

export type Expectation = "all-pass" | { count: number } | { min: number };

export function expectationFrom(text: string): Expectation | undefined {
  const lower = text.toLowerCase();
  const positive = (digits: string | undefined) => {
    const n = Number(digits);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const min = positive(/\bat least (\d+) tests?\b/.exec(lower)?.[1]);
  if (min) return { min };
  const count =
    positive(/\ball (\d+) tests?\b/.exec(lower)?.[1]) ??
    positive(new RegExp(`\\b(\\d+) tests?\\b${SAME_SENTENCE}\\b(?:must|should|shall) pass`).exec(lower)?.[1]);
  if (count) return { count };
  return new RegExp(`\\ball\\b${SAME_SENTENCE}\\btests?\\b${SAME_SENTENCE}\\bpass`).test(lower) ? "all-pass" : undefined;
}

/** Prose that says tests must pass ("All regression prevention tests MUST pass"). */
export const saysTestsPass = (text: string): boolean =>
  new RegExp(`\\btests?\\b${SAME_SENTENCE}\\bpass(es|ed)?\\b`, "i").test(text);

/** Prose that says tests fail ("Any mission critical test fails"): a rollback on a check. */
export const saysTestsFail = (text: string): boolean => new RegExp(`\\btests?\\b${SAME_SENTENCE}\\bfail`, "i").test(text);

/** Words in prose about tests that say nothing about which tests. */
const TEST_PROSE_WORDS = new Set([
  "a", "all", "an", "and", "any", "are", "be", "fail", "failing", "fails", "in", "is", "must",
  "of", "pass", "passed", "passes", "py", "shall", "should", "test", "tests", "the", "these",
]);

/** The words of `text` that could name tests (digits and filler removed). */
export const significantWords = (text: string): string[] =>
  words(text).filter((w) => !TEST_PROSE_WORDS.has(w) && !/^\d+$/.test(w));

// ---------------------------------------------------------------------------------------------
// Thresholds: "must be > 500 events/sec", "should stay below 200 ms", "error rate above 5%".

export interface Threshold {
  operator: MetricOperator;
  threshold: number;
  unit?: string;
  /** What is measured: the words before the comparison ("WebSocket throughput"). */
  subject: string;
}

const OPERATOR_WORDS: ReadonlyArray<readonly [MetricOperator, string]> = [
  [">=", ">=|≥|at least|no less than|not less than"],
  ["<=", "<=|≤|at most|no more than|not more than"],
  ["==", "==|exactly|equal to"],
  [">", ">|more than|greater than|higher than|above|over|exceeds?"],
  ["<", "<|less than|fewer than|lower than|below|under"],
];
const MODAL = String.raw`\b(?:must|should|shall|needs? to|has to|have to)\s+(?:be|stay|remain|keep)?\s*`;
const NUMBER = String.raw`(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)`;
const UNIT = String.raw`(%|[A-Za-zµ°][A-Za-z0-9µ°]*(?:\/[A-Za-z0-9]+)?)`;
const NOT_UNITS = new Set(["and", "or", "for", "in", "on", "at", "with", "the", "to", "of", "per", "if", "when"]);
const VERBS = /^(?:verify|check|ensure|confirm|measure|make sure|validate|assert|monitor|watch)\b\s*(?:that\s+)?/i;

const OPERATORS = OPERATOR_WORDS.map(([, alternatives]) => alternatives).join("|");
const COMPARISON_TAIL = String.raw`(?<![A-Za-z])(${OPERATORS})\s*${NUMBER}(?:\s*${UNIT})?`;
const REQUIREMENT = new RegExp(`(${MODAL})${COMPARISON_TAIL}`, "gi");
const COMPARISON = new RegExp(`(${MODAL})?${COMPARISON_TAIL}`, "gi");

/**
 * The first comparison with a number in `text`. With `requireModal`, only a requirement counts
 * ("must be > 500"), so descriptions such as "Quick validation (< 2 seconds)" are not thresholds.
 */
export function findThreshold(text: string, requireModal: boolean): Threshold | undefined {
  for (const match of text.matchAll(requireModal ? REQUIREMENT : COMPARISON)) {
    const word = (match[2] ?? "").toLowerCase();
    // Without "must"/"should", only unmistakable comparisons count: "> 5%", "above 500", not
    // "frozen for over 30 seconds".
    if (!match[1] && !/^(?:[<>=≥≤]+|above|below|exceeds?)$/.test(word)) continue;
    const operator = OPERATOR_WORDS.find(([, alternatives]) => new RegExp(`^(?:${alternatives})$`).test(word))?.[0];
    const threshold = Number((match[3] ?? "").replace(/,/g, ""));
    if (!operator || !Number.isFinite(threshold)) continue;
    const rawUnit = match[4];
    const unit = rawUnit && !NOT_UNITS.has(rawUnit.toLowerCase()) ? rawUnit : undefined;
    return { operator, threshold, ...(unit ? { unit } : {}), subject: subjectBefore(text.slice(0, match.index)) };
  }
  return undefined;
}

/** "Verify WebSocket throughput (" -> "WebSocket throughput". */
function subjectBefore(prefix: string): string {
  // "Verify WebSocket throughput (must be ..." : the words before the bracket, in this sentence.
  const clause = prefix.replace(/[\s([\-–—:,]+$/, "").split(/[;:()[\]]|\.(?=\s)/).pop() ?? "";
  return collapse(clause).replace(VERBS, "").trim();
}

/**
 * A metric name from what is measured and its unit: "WebSocket throughput" + "events/sec" ->
 * `websocket_events_per_sec`. "throughput" is dropped when a unit is given because the unit
 * already says what rate it is; other words stay ("error rate" + "%" -> `error_rate_percent`).
 */
export function metricName(subject: string, unit: string | undefined): string {
  const subjectWords = (subject.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter(
    (w) => !["a", "an", "the", "of"].includes(w) && !(unit && w === "throughput"),
  );
  const unitWords = unit
    ? (unit.replace(/%/g, " percent ").replace(/\//g, " per ").toLowerCase().match(/[a-z0-9]+/g) ?? [])
    : [];
  const name = [...subjectWords, ...unitWords].join("_");
  return name || "metric";
}

// ---------------------------------------------------------------------------------------------
// Steps done on one environment after deploying there ("Staging Verification: deploy to staging
// first, then ..."). Such a step cannot gate its own deploy; it gates the environments after it
// (`verifyOn`). The importer recognises it from what the step or its section says.

/**
 * Environment names recognised when the project's are not known, and as a fallback alongside
 * them (so "staging" in a project with `stg` is noticed, and reported, rather than missed).
 * "test", "live" and "stage" are left out: "run the tests", "go live", "at this stage".
 */
export const COMMON_ENVIRONMENTS = ["development", "dev", "qa", "uat", "staging", "preprod", "pre-prod", "pre-production", "canary", "production", "prod"] as const;

export interface VerifyCue {
  /** The environment named, as the text spells it (lower-case); undefined when none is named. */
  environment?: string;
  /** The words that said so, as written ("Deploy to staging first"). */
  phrase: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A pattern matching any of the names as a whole word ("staging", not "netra-staging"). */
function environmentPattern(names: readonly string[]): string {
  const alternatives = [...new Set(names.map((n) => n.toLowerCase()))].sort((a, b) => b.length - a.length).map(escapeRegExp);
  return String.raw`(?<![\w-])(${alternatives.join("|")})(?![\w-])`;
}

const VERIFY_WORDS = String.raw`(?:verify|verified|verifying|verification|validate|validated|validating|validation|test|tested|testing|check|checked|checking|confirm|confirmed|smoke[- ]?test(?:s|ed|ing)?)`;

/** The phrases, each with the environment as its first group; `undefined` marks one without. */
function verifyRules(env: string): RegExp[] {
  return [
    // "Deploy to staging first", "deployed on the staging environment before production"
    new RegExp(String.raw`\bdeploy(?:ed|ing|s)?\s+(?:it\s+|this\s+|the\s+release\s+)?(?:to|on|in|into)\s+(?:the\s+)?${env}(?:\s+environment)?\s+(?:first|before)\b`, "i"),
    // "deploy to staging and verify", "deploy to staging, then test"
    new RegExp(String.raw`\bdeploy(?:ed|ing|s)?\s+(?:to|on|in|into)\s+(?:the\s+)?${env}\b[^.;\n]{0,40}?\b(?:and|then)\s+${VERIFY_WORDS}\b`, "i"),
    // "after deploying to staging", "once deployed on staging"
    new RegExp(String.raw`\b(?:after|once)\s+(?:the\s+)?deploy(?:ed|ing|ment)?\s+(?:to|on|in|into)\s+(?:the\s+)?${env}`, "i"),
    // "Staging Verification", "staging environment validation", "staging smoke tests"
    new RegExp(String.raw`${env}(?:\s+environment)?\s+(?:verification|validation|smoke[- ]?tests?|acceptance|sign[- ]?off)\b`, "i"),
    // "verify on staging", "tested in the staging environment", "post-deployment validation on staging"
    new RegExp(String.raw`\b${VERIFY_WORDS}\s+(?:it\s+|everything\s+|them\s+)?(?:on|in|against)\s+(?:the\s+)?${env}`, "i"),
  ];
}

/** "Post-deployment validation", "post-deploy checks": after a deploy, with no environment named. */
const AFTER_DEPLOY = /\bpost[- ]?deploy(?:ment)?\s+(?:validation|verification|checks?|tests?|smoke[- ]?tests?)\b/i;

/**
 * Whether the text says it is done on an environment after deploying there, and which one.
 * `names` are the environments to recognise (the project's, else COMMON_ENVIRONMENTS).
 */
export function verifyCue(text: string, names: readonly string[]): VerifyCue | undefined {
  const flat = collapse(text);
  if (names.length > 0) {
    for (const rule of verifyRules(environmentPattern(names))) {
      const match = rule.exec(flat);
      if (match) return { environment: match[1]!.toLowerCase(), phrase: match[0] };
    }
  }
  const after = AFTER_DEPLOY.exec(flat);
  return after ? { phrase: after[0] } : undefined;
}

/** The environments a text names, in the order they first appear ("staging", then "production"). */
export function environmentsNamed(text: string, names: readonly string[] = COMMON_ENVIRONMENTS): string[] {
  if (names.length === 0) return [];
  const found: string[] = [];
  for (const match of text.matchAll(new RegExp(environmentPattern(names), "gi"))) {
    const name = match[1]!.toLowerCase();
    if (!found.includes(name)) found.push(name);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Mojibake repairs (markdown-mojibake.ts), in words. Kept here, without the codec, so the
// preview can say the same.

export interface MojibakeRepair {
  /** 1-based line of the repaired document. */
  line: number;
  /** The characters as they were in the document ("‚úÖ"). */
  from: string;
  /** What they were meant to be ("✅"). */
  to: string;
}

/**
 * What was repaired, in one sentence per distinct repair:
 * `"‚úÖ" → "✅" on lines 17, 18, 19`.
 */
export function describeRepairs(repairs: readonly MojibakeRepair[]): string[] {
  const grouped = new Map<string, { from: string; to: string; lines: number[] }>();
  for (const repair of repairs) {
    const id = `${repair.from}\u0000${repair.to}`;
    const entry = grouped.get(id) ?? { from: repair.from, to: repair.to, lines: [] };
    if (!entry.lines.includes(repair.line)) entry.lines.push(repair.line);
    grouped.set(id, entry);
  }
  return [...grouped.values()].map(
    ({ from, to, lines }) => `"${visible(from)}" → "${to}" on line${lines.length === 1 ? "" : "s"} ${lines.join(", ")}`,
  );
}

/** Private-use characters (the Apple logo) show as nothing on most systems: name them instead. */
export const visible = (text: string): string =>
  text.replace(/[\uE000-\uF8FF]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase()}>`);

/** The import warning that lists the repairs. */
export const repairWarning = (repairs: readonly MojibakeRepair[]): string =>
  `Repaired text that was UTF-8 read as Mac Roman: ${describeRepairs(repairs).join("; ")}.`;

// fast-check arbitraries for the gate's property tests and scripts/gate-fuzz.ts: result keys and
// patterns from every runner the docs name, and small release scenarios aimed at the edges of
// docs/templates.md ("## Patterns", "## How the gate decides").
import fc from "fast-check";
import type { GateDeployment, GateInput, GateItem, GateMetric, GateOverride, GateRejection, GateResult, GateSignOff, ResultStatus } from "@/lib/gate/types";
import { METRIC_OPERATORS, PHASES, ROLES, type Phase, type RoleName } from "@/lib/templates/schema";

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

const DIRS = ["tests", "smoke", "sub", "mission_critical", ".hidden", "deep", "a", "Tests", "x"];
const FILES = ["x.py", "x.pyc", "test_api.py", "smoke.py", "mission_critical.py", "test_x.py", "checkout.test.js", "a.b.py", ".dot.py"];
const CLASSES = ["TestA", "TestAB", "TestA$Inner", "TestA$Inner$Deep", "checkout", "cart"];
const TESTS = ["test_events", "test_events_all", "t", "test_get", "adds", "test_b"];
// Parameters as runners write them; brackets inside are balanced.
const PARAMS = ["[param]", "[/login]", "[a/b/c]", "[1-2]", "[x::y]", "[$v]", "[(1, 2)]", "[a[b]c]", "[*]", "[?]", "[]", "[ ]", "[tests/smoke]", "(int, int)[1]", "(x)"];

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);

/** pytest / jest-style keys: a file path, then `::`-joined suites and a test name, maybe parameters. */
const pathKey = fc
  .record({
    dirs: fc.array(pick(DIRS), { minLength: 0, maxLength: 3 }),
    file: pick(FILES),
    suites: fc.array(pick(CLASSES), { maxLength: 2 }),
    test: fc.option(pick(TESTS), { nil: undefined, freq: 6 }),
    param: fc.option(pick(PARAMS), { nil: undefined, freq: 2 }),
  })
  .map(({ dirs, file, suites, test, param }) => {
    const path = ["tests", ...dirs, file].join("/");
    const names = [...suites, ...(test === undefined ? [] : [test])];
    return names.length === 0 ? path : `${path}::${names.join("::")}${param ?? ""}`;
  });

/** JUnit 5 / Surefire: `com.example.CartTest$Nested::increments(int, int)[1]`. */
const junitKey = fc
  .record({
    cls: pick(["com.example.CartTest", "com.example.CartTestIT", "com.example.Cart"]),
    nested: fc.array(pick(["$Nested", "$Inner", "$1"]), { maxLength: 2 }),
    method: pick(["increments", "t", "m", "decrements"]),
    args: pick(["", "()", "(int, int)", "(String[])", "(Map<K, V>)"]),
    index: pick(["", "[1]", "[2]", "[1] a/b"]),
  })
  .map(({ cls, nested, method, args, index }) => `${cls}${nested.join("")}::${method}${args}${index}`);

/** go test: `example.com/cart::TestCart/adds`, sub-tests joined with `/`. */
const goKey = fc
  .record({
    pkg: pick(["example.com/cart", "example.com/cart/v2", "example.com/cartx"]),
    test: pick(["TestCart", "TestCartX", "TestCheckout"]),
    subs: fc.array(pick(["adds", "sub_1", "removes#01", "a=b"]), { maxLength: 3 }),
  })
  .map(({ pkg, test, subs }) => [`${pkg}::${test}`, ...subs].join("/"));

/** Keys written out in the document. */
export const DOC_KEYS = [
  "tests/x.py::TestA::test_b[param]",
  "tests/smoke/checkout.test.js::checkout::cart::adds",
  "com.example.CartTest$Nested::increments(int, int)[1]",
  "example.com/cart::TestCart/adds",
  "tests/smoke/test_api.py::test_get[/login]",
  "tests/smoke/sub/test_x.py::t",
  "tests/smoke.py::t",
  "tests/mission_critical.py::t",
  "tests/mission_critical/test_final_validation.py::test_a",
  "tests/x.pyc::t",
  "tests/x.py::TestAB::t",
  "tests/x.py::test_events_all",
  "tests/x.py::test_events[a/b]",
  "com.example.CartTestIT::t",
  "example.com/cart::TestCartX",
  "tests/smoke::t",
];

export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: pathKey, weight: 5 },
  { arbitrary: junitKey, weight: 2 },
  { arbitrary: goKey, weight: 2 },
  { arbitrary: pick(DOC_KEYS), weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

/** Patterns from the document and near them: globs, directories, node ids, literal brackets. */
export const DOC_PATTERNS = [
  "tests/smoke/*",
  "tests/smoke/**",
  "tests/smoke/*.py",
  "tests/mission_critical/",
  "tests/x.py",
  "tests/x.py::TestA",
  "tests/x.py::test_events",
  "com.example.CartTest",
  "example.com/cart::TestCart",
  "tests/mission_critical/test_final_validation.py",
  "tests/",
  "tests/**/x.py",
  "**/x.py",
  "**/*.py",
  "tests/**.py",
  "tests/*/",
  "tests/*/*",
  "tests/**/",
  "*",
  "**",
  "./tests/x.py",
  "./tests/smoke/",
  "tests/x.py::test_events[*]",
  "tests/x.py::test_events[a/b]",
  "tests/smoke/test_api.py::test_get[/login]",
  "com.example.CartTest$Nested::increments(int, int)[1]",
  "com.example.CartTest$Nested",
  "com.example.CartTest$*",
  "com.example.*",
  "example.com/*::TestCart",
  "example.com/**",
  "tests/x.py::Test?",
  "tests/x.py::test_e*",
  "tests/x.py::TestA::*",
  "tests/{smoke,sub}/*",
  "!tests/x.py",
  "tests/+(smoke)/*",
  "tests/@(smoke|sub)/**",
  "tests/[sx]*/",
  "tests/smoke/*[param]",
  "tests/.hidden/",
  "tests/*.py",
  "tests/smoke/?est_api.py",
  "tests/x.py::TestA$Inner",
  "Tests/",
];

/** Does the pattern stay inside what the document specifies? (No `***`, no overlapping `/**\/**`.) */
export function wellFormedPattern(pattern: string): boolean {
  const p = pattern.startsWith("./") ? pattern.slice(2) : pattern;
  const q = p.endsWith("/") ? p.slice(0, -1) : p;
  return q !== "" && !q.startsWith("./") && !pattern.includes("***") && !pattern.includes("**/**") && !pattern.includes("\\");
}

type Mutation = { kind: string; at: number; length: number };

function mutate(base: string, m: Mutation): string {
  const at = base.length === 0 ? 0 : m.at % base.length;
  const end = Math.min(base.length, at + 1 + (m.length % 6));
  switch (m.kind) {
    case "dir":
      return `${base}/`;
    case "?":
      return `${base.slice(0, at)}?${base.slice(at + 1)}`;
    case "*":
      return `${base.slice(0, at)}*${base.slice(end)}`;
    case "**":
      return `${base.slice(0, at)}**${base.slice(end)}`;
    case "last-segment": {
      const slash = base.lastIndexOf("/");
      return slash < 0 ? "*" : `${base.slice(0, slash)}/*`;
    }
    case "./":
      return `./${base}`;
    case "**/":
      return `**/${base}`;
    case "/**":
      return `${base}/**`;
    case "/*":
      return `${base}/*`;
    case "trailing-*":
      return `${base}*`;
    default:
      return base;
  }
}

const MUTATIONS = ["dir", "?", "*", "**", "last-segment", "./", "**/", "/**", "/*", "trailing-*"];
/** `plain`: how much more often a pattern stays the cut prefix than it takes any one mutation. */
const mutationArb = (plain: number): fc.Arbitrary<Mutation> =>
  fc.record({
    kind: fc.oneof({ arbitrary: fc.constant("none"), weight: plain * MUTATIONS.length }, { arbitrary: pick(MUTATIONS), weight: MUTATIONS.length }),
    at: fc.nat(200),
    length: fc.nat(20),
  });

/**
 * Places to cut a key: before each `::`, `/`, `$`, `[` or `(` — inside brackets too, so some cuts
 * are nodes and some are not — and the end of the key.
 */
function separatorCuts(key: string): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < key.length; i++) if (/^(::|\/|\$|\[|\()/.test(key.slice(i))) cuts.push(i);
  cuts.push(key.length);
  return cuts;
}

/** A pattern near `key`: a prefix of it (mostly cut before a separator, sometimes anywhere), maybe turned into a glob. */
export function patternNear(key: string, plain = 1): fc.Arbitrary<string> {
  const cuts = separatorCuts(key);
  const cut = fc.oneof({ arbitrary: fc.constantFrom(...cuts), weight: 3 * plain }, { arbitrary: fc.integer({ min: 1, max: key.length }), weight: 1 });
  return fc
    .tuple(cut, mutationArb(plain), fc.option(mutationArb(plain), { freq: 4, nil: undefined }))
    .map(([at, m1, m2]) => {
      const once = mutate(key.slice(0, at), m1);
      return m2 === undefined ? once : mutate(once, m2);
    })
    .filter(wellFormedPattern);
}

export const anyPatternArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: pick(DOC_PATTERNS), weight: 3 },
  { arbitrary: keyArb.chain(patternNear), weight: 2 },
);

/** Pattern/key pairs, most of them close enough that covering is a coin toss. */
export const patternKeyArb: fc.Arbitrary<{ pattern: string; key: string }> = fc.oneof(
  { arbitrary: keyArb.chain((key) => patternNear(key).map((pattern) => ({ pattern, key }))), weight: 3 },
  { arbitrary: fc.record({ pattern: anyPatternArb, key: keyArb }), weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

export const CURRENT = "c1";
export const OLD = "c0";
/** All times are this plus a slot (minutes) plus a small offset that keeps arrivals distinct. */
export const T0 = Date.UTC(2026, 11, 1, 10, 0, 0);
const MINUTE = 60_000;
const ENV_LISTS = [["production"], ["staging", "production"], ["dev", "staging", "production"]];

export type Scenario = { input: GateInput; environment: string };

const statusArb: fc.Arbitrary<ResultStatus> = fc.constantFrom("passed", "passed", "passed", "passed", "failed", "skipped", "flaky");
const commitArb = fc.constantFrom(CURRENT, CURRENT, CURRENT, CURRENT, CURRENT, OLD);
const weighted = <T>(...choices: [T, number][]) => fc.oneof(...choices.map(([value, weight]) => ({ arbitrary: fc.constant(value), weight })));
const slotArb = fc.integer({ min: 0, max: 8 });

type StartedAtChoice = { kind: "none" | "grid" | "grid+j" | "max" | "epoch" | "earlier"; slot: number; j: number };
const startedAtArb: fc.Arbitrary<StartedAtChoice> = fc.record({
  kind: fc.constantFrom("none", "none", "grid", "grid", "grid+j", "max", "epoch", "earlier"),
  slot: slotArb,
  j: fc.integer({ min: 0, max: 3 }),
});

function startedAtOf(choice: StartedAtChoice, reportedAt: number): Date | null {
  const latestAccepted = reportedAt + 5 * MINUTE; // "more than 5 minutes after … is refused"
  let at: number;
  switch (choice.kind) {
    case "none":
      return null;
    case "grid":
      at = T0 + choice.slot * MINUTE;
      break;
    case "grid+j":
      at = T0 + choice.slot * MINUTE + choice.j; // equals the arrival of result #j in that slot
      break;
    case "max":
      at = latestAccepted;
      break;
    case "epoch":
      at = 0; // 1970-01-01T00:00:00Z, the earliest accepted
      break;
    case "earlier":
      at = reportedAt - (choice.slot + 1) * MINUTE;
      break;
  }
  return new Date(Math.min(at, latestAccepted));
}

function envChoice(envs: string[]) {
  return fc.oneof({ arbitrary: fc.constant(null), weight: 1 }, { arbitrary: fc.constantFrom<string | null>(...envs), weight: Math.min(2, envs.length) });
}

/** `together`: stored in the same moment as the other `together` results of its slot (one batch), so arrivals tie. */
type RawResult = { key: number; variant: string | null | undefined; status: ResultStatus; commitSha: string; environment: string | null; slot: number; startedAt: StartedAtChoice; together: boolean };
type RawMetric = { name: string; value: number | null; commitSha: string; environment: string | null; slot: number };
type RawSignOff = { item: number; user: string; role: RoleName; environment: string; commitSha: string; slot: number; revoked: boolean };
type RawDeploy = { environment: string; commitSha: string; slot: number };
type RawRejection = { item: number; user: string; role: RoleName; environment: string; commitSha: string; slot: number };
/** Evidence generated for one item, so that items pass often enough for the gate to be on its edge. */
type Support = { results: RawResult[]; metrics: RawMetric[]; signOffs: RawSignOff[]; deploys: RawDeploy[]; rejections: RawRejection[] };
const NO_SUPPORT: Support = { results: [], metrics: [], signOffs: [], deploys: [], rejections: [] };

const togetherArb = fc.constantFrom(false, false, false, true);
const variantArb = fc.constantFrom<string | null | undefined>(undefined, undefined, undefined, null, "chromium", "firefox");
const lateSlot = fc.integer({ min: 3, max: 8 });
const earlySlot = fc.integer({ min: 0, max: 3 });

function rawResultArb(keys: string[], envs: string[]): fc.Arbitrary<RawResult> {
  return fc.record({
    key: fc.nat(keys.length - 1),
    variant: variantArb,
    status: statusArb,
    commitSha: commitArb,
    environment: envChoice(envs),
    slot: slotArb,
    startedAt: startedAtArb,
    together: togetherArb,
  });
}

type ItemWithSupport = { item: GateItem; support: Support };

function itemArb(index: number, envs: string[], keys: string[], environment: string): fc.Arbitrary<ItemWithSupport> {
  const verifiable = envs.slice(0, -1); // "must name one of the project's environments that has a later one"
  const others = envs.filter((e) => e !== environment);
  const base = fc.record({
    phase: fc.oneof({ arbitrary: fc.constant<Phase>("pre-deploy"), weight: 8 }, { arbitrary: pick(PHASES), weight: 1 }),
    required: weighted([true, 8], [false, 1]),
    environments: fc.oneof(
      { arbitrary: fc.constant<string[]>([]), weight: 4 },
      { arbitrary: fc.subarray([...envs, "qa"], { minLength: 1 }), weight: 1 },
    ),
    verifyOn: verifiable.length === 0 ? fc.constant(undefined) : fc.option(pick(verifiable), { nil: undefined, freq: 3 }),
    supported: weighted([true, 3], [false, 1]),
  });
  // Where evidence for this item is reported: E, no environment or another one; V for `verifyOn`.
  const whereArb = (verifyOn: string | undefined): fc.Arbitrary<string | null> =>
    verifyOn !== undefined
      ? weighted<string | null>([verifyOn, 6], [null, 1], [environment, 1])
      : fc.oneof(
          { arbitrary: fc.constant<string | null>(environment), weight: 4 },
          { arbitrary: fc.constant<string | null>(null), weight: 2 },
          ...(others.length ? [{ arbitrary: fc.constantFrom<string | null>(...others), weight: 1 }] : []),
        );
  const whenArb = (verifyOn: string | undefined) => (verifyOn === undefined ? slotArb : lateSlot);
  const deploysFor = (verifyOn: string | undefined): fc.Arbitrary<RawDeploy[]> =>
    verifyOn === undefined
      ? fc.constant([])
      : fc.array(fc.record({ environment: weighted([verifyOn, 5], [environment, 1]), commitSha: commitArb, slot: earlySlot }), { minLength: 1, maxLength: 2 });
  const patternArb = fc.oneof(
    { arbitrary: fc.nat(keys.length - 1).chain((key) => patternNear(keys[key]!, 3).map((pattern) => ({ pattern, key }))), weight: 5 },
    { arbitrary: fc.record({ pattern: anyPatternArb, key: fc.nat(keys.length - 1) }), weight: 1 },
  );

  const checkArb = (verifyOn: string | undefined, supported: boolean) =>
    fc
      .record({
        patterns: fc.array(patternArb, { minLength: 1, maxLength: 3 }),
        expect: fc.oneof(
          { arbitrary: fc.constant("all-pass" as const), weight: 3 },
          { arbitrary: fc.record({ count: fc.integer({ min: 1, max: 4 }) }), weight: 1 },
          { arbitrary: fc.record({ min: fc.integer({ min: 1, max: 4 }) }), weight: 1 },
        ),
        allowFailures: weighted<number>([0, 4], [1, 1], [2, 1]),
        flaky: fc.constantFrom("pass" as const, "block" as const),
        deploys: deploysFor(verifyOn),
      })
      .chain(({ patterns, deploys, ...rest }) =>
        fc
          .tuple(
            ...patterns.map(({ key }) =>
              fc.record({
                key: fc.constant(key),
                variant: variantArb,
                status: weighted<ResultStatus>(["passed", 8], ["flaky", 1], ["failed", 1], ["skipped", 1]),
                commitSha: commitArb,
                environment: whereArb(verifyOn),
                slot: whenArb(verifyOn),
                startedAt: startedAtArb,
                together: togetherArb,
              }),
            ),
          )
          .map(
            (results): ItemWithSupportKind => ({
              kind: { kind: "check", patterns: patterns.map((p) => p.pattern), ...rest },
              support: supported ? { ...NO_SUPPORT, results, deploys } : NO_SUPPORT,
            }),
          ),
      );

  const metricArb = (verifyOn: string | undefined, supported: boolean) =>
    fc
      .record({
        metric: fc.constantFrom("m1", "m2"),
        operator: pick(METRIC_OPERATORS),
        threshold: fc.constantFrom(0, 1, 500, -1, 0.5),
        deploys: deploysFor(verifyOn),
        near: fc.array(fc.record({ delta: fc.constantFrom<number | null>(0, 0, 1, -1, 0.5, -0.5, 0.1, null), commitSha: commitArb, environment: whereArb(verifyOn), slot: whenArb(verifyOn) }), { minLength: 1, maxLength: 2 }),
      })
      .map(({ metric, operator, threshold, deploys, near }): ItemWithSupportKind => ({
        kind: { kind: "metric", metric, operator, threshold },
        support: supported ? { ...NO_SUPPORT, deploys, metrics: near.map(({ delta, ...m }) => ({ name: metric, value: delta === null ? null : threshold + delta, ...m })) } : NO_SUPPORT,
      }));

  const manualArb = (verifyOn: string | undefined, supported: boolean) =>
    fc
      .record({
        role: pick(ROLES),
        approvals: weighted<number>([1, 5], [2, 2], [3, 1]),
        evidence: fc.constantFrom("none" as const, "optional" as const, "required" as const),
        deploys: deploysFor(verifyOn),
        signers: fc.array(
          fc.record({
            user: fc.constantFrom("u1", "u2", "u3"),
            role: weighted<RoleName>(["viewer", 1], ["engineer", 1], ["release-manager", 3], ["admin", 3]),
            environment: whereArb(verifyOn).map((e) => e ?? environment),
            commitSha: commitArb,
            slot: whenArb(verifyOn),
            revoked: weighted([false, 6], [true, 1]),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        // Rejections around the sign-offs: before some, after others, for this commit or another.
        rejecters: fc
          .tuple(
            weighted([false, 2], [true, 1]),
            fc.array(
              fc.record({
                user: fc.constantFrom("u1", "u2", "u3"),
                role: pick(ROLES),
                environment: whereArb(verifyOn).map((e) => e ?? environment),
                commitSha: commitArb,
                slot: whenArb(verifyOn),
              }),
              { minLength: 1, maxLength: 2 },
            ),
          )
          .map(([some, rejecters]) => (some ? rejecters : [])),
      })
      .map(({ role, approvals, evidence, deploys, signers, rejecters }): ItemWithSupportKind => ({
        kind: { kind: "manual", role, approvals, evidence, noSelfApproval: false, steps: [] },
        support: supported
          ? { ...NO_SUPPORT, deploys, signOffs: signers.map((o) => ({ ...o, item: index })), rejections: rejecters.map((r) => ({ ...r, item: index })) }
          : NO_SUPPORT,
      }));

  const watchArb = patternArb.map(({ pattern }): ItemWithSupportKind => ({ kind: { kind: "watch", check: pattern }, support: NO_SUPPORT }));

  return base.chain((b) =>
    fc
      .oneof(
        { arbitrary: checkArb(b.verifyOn, b.supported), weight: 5 },
        { arbitrary: metricArb(b.verifyOn, b.supported), weight: 2 },
        { arbitrary: manualArb(b.verifyOn, b.supported), weight: 3 },
        { arbitrary: watchArb, weight: 1 },
      )
      .map(({ kind, support }) => {
        const item = {
          key: `i${index + 1}`,
          title: `Item ${index + 1}`,
          section: "Checks",
          phase: b.phase,
          required: b.required,
          environments: b.environments,
          ...(b.verifyOn === undefined ? {} : { verifyOn: b.verifyOn }),
          ...kind,
        };
        return { item: item as GateItem, support };
      }),
  );
}

type ItemWithSupportKind = { kind: Record<string, unknown> & { kind: GateItem["kind"] }; support: Support };

function resultOf(raw: RawResult, index: number, keys: string[]): GateResult {
  // Offsets 0..99 keep arrivals distinct, except for results stored together (offset 150).
  const reportedAt = T0 + raw.slot * MINUTE + (raw.together ? 150 : index);
  const result: GateResult = {
    key: keys[raw.key % keys.length]!,
    status: raw.status,
    message: raw.status === "failed" ? `AssertionError ${index}` : null,
    commitSha: raw.commitSha,
    environment: raw.environment,
    startedAt: startedAtOf(raw.startedAt, reportedAt),
    reportedAt: new Date(reportedAt),
  };
  if (raw.variant !== undefined) result.variant = raw.variant;
  return result;
}

export const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    envs: pick(ENV_LISTS),
    keys: weighted<number>([1, 2], [2, 3], [3, 3], [4, 1], [5, 1]).chain((n) => fc.uniqueArray(keyArb, { minLength: n, maxLength: n })),
  })
  .chain(({ envs, keys }) => pick(envs).map((environment) => ({ envs, keys, environment })))
  .chain(({ envs, keys, environment }) =>
    fc
      .record({
        envs: fc.constant(envs),
        keys: fc.constant(keys),
        environment: fc.constant(environment),
        items: weighted<number>([1, 4], [2, 4], [3, 3], [4, 2], [5, 1], [6, 1]).chain((n) =>
          fc.tuple(...Array.from({ length: n }, (_, i) => itemArb(i, envs, keys, environment))),
        ),
        results: fc.array(rawResultArb(keys, envs), { maxLength: 8 }),
        // A second run of the same test stored in the same moment, before or after it: a full tie.
        twins: fc.array(fc.record({ of: fc.nat(), status: statusArb, before: fc.boolean() }), { maxLength: 2 }),
        metrics: fc.array(
          fc.record({
            name: fc.constantFrom("m1", "m2", "m3"),
            // null: a Prometheus reading without a value (no sample, several, NaN, unreachable).
            value: fc.constantFrom<number | null>(0, 1, 500, 499.9, 500.1, -1, 0.5, null),
            commitSha: commitArb,
            environment: envChoice(envs),
            slot: slotArb,
          }),
          { maxLength: 3 },
        ),
        signOffs: fc.array(
          fc.record({
            item: weighted<number>([0, 4], [1, 3], [2, 2], [3, 1], [4, 1], [5, 1], [6, 1]),
            user: fc.constantFrom("u1", "u2", "u3"),
            role: pick(ROLES),
            environment: pick([...envs, "qa"]),
            commitSha: commitArb,
            slot: slotArb,
            revoked: weighted([false, 4], [true, 1]),
          }),
          { maxLength: 4 },
        ),
        rejections: fc.array(
          fc.record({
            item: weighted<number>([0, 4], [1, 3], [2, 2], [3, 1], [4, 1], [5, 1], [6, 1]),
            user: fc.constantFrom("u1", "u2", "u3"),
            role: pick(ROLES),
            environment: pick([...envs, "qa"]),
            commitSha: commitArb,
            slot: slotArb,
          }),
          { maxLength: 2 },
        ),
        deployments: fc.array(fc.record({ environment: pick(envs), commitSha: commitArb, slot: slotArb }), { maxLength: 2 }),
        overrides: fc.oneof({ arbitrary: fc.constant<string[]>([]), weight: 3 }, { arbitrary: fc.subarray(envs, { minLength: 1, maxLength: Math.min(2, envs.length) }), weight: 1 }),
        locked: weighted([false, 7], [true, 1]),
      })
      .map((s): Scenario => {
        const items = s.items.map((x) => x.item);
        const supports = s.items.map((x) => x.support);
        const raws = [...s.results, ...supports.flatMap((x) => x.results)];
        for (const twin of s.twins) {
          if (raws.length === 0) break;
          const at = twin.of % raws.length;
          const original: RawResult = { ...raws[at]!, together: true };
          const copy: RawResult = { ...original, status: twin.status };
          raws.splice(at, 1, ...(twin.before ? [copy, original] : [original, copy]));
        }
        const results = raws.map((r, i) => resultOf(r, i, s.keys));
        const metrics: GateMetric[] = [...s.metrics, ...supports.flatMap((x) => x.metrics)].map((m, i) => ({
          name: m.name,
          value: m.value,
          commitSha: m.commitSha,
          environment: m.environment,
          reportedAt: new Date(T0 + m.slot * MINUTE + 200 + i),
        }));
        const signOffs: GateSignOff[] = [...s.signOffs, ...supports.flatMap((x) => x.signOffs)].map((o, i) => {
          const createdAt = T0 + o.slot * MINUTE + 100 + i;
          return {
            itemKey: items[o.item]?.key ?? "unknown-item",
            userId: o.user,
            userLabel: o.user,
            role: o.role,
            environment: o.environment,
            commitSha: o.commitSha,
            createdAt: new Date(createdAt),
            revokedAt: o.revoked ? new Date(createdAt + 30_000) : null,
          };
        });
        // Offsets 300..: never at the same millisecond as a sign-off, so "after" is always decided.
        const rejections: GateRejection[] = [...s.rejections, ...supports.flatMap((x) => x.rejections)].map((r, i) => ({
          itemKey: items[r.item]?.key ?? "unknown-item",
          userId: r.user,
          userLabel: r.user,
          role: r.role,
          environment: r.environment,
          commitSha: r.commitSha,
          reason: `not good enough ${i}`,
          createdAt: new Date(T0 + r.slot * MINUTE + 300 + i),
        }));
        const deployments: GateDeployment[] = [...s.deployments, ...supports.flatMap((x) => x.deploys)].map((d, i) => ({
          environment: d.environment,
          commitSha: d.commitSha,
          deployedAt: new Date(T0 + d.slot * MINUTE + 500 + i),
        }));
        const overrides: GateOverride[] = s.overrides.map((environment) => ({ environment, reason: "hotfix", by: "admin" }));
        const input: GateInput = {
          commitSha: CURRENT,
          environments: s.envs,
          items,
          results,
          metrics,
          signOffs,
          rejections,
          overrides,
          lock: s.locked ? { reason: "freeze", by: "admin" } : null,
          deployments,
          alerts: [],
        };
        return withToString({ input, environment: s.environment });
      }),
  );

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

/** A time as minutes (and milliseconds) after T0: "+3m", "+3m+1ms"; ISO when far from it. */
export function at(d: Date | null | undefined): string {
  if (d === null || d === undefined) return "null";
  const offset = d.getTime() - T0;
  if (offset < -24 * 60 * MINUTE || offset > 24 * 60 * MINUTE) return d.toISOString();
  const minutes = Math.floor(offset / MINUTE);
  const ms = offset - minutes * MINUTE;
  return `${minutes < 0 ? "" : "+"}${minutes}m${ms ? `+${ms}ms` : ""}`;
}

function describeItem(item: GateItem): string {
  const common = [
    item.key,
    item.kind,
    item.phase === "pre-deploy" ? "" : `phase=${item.phase}`,
    item.required ? "" : "required=false",
    item.environments.length ? `environments=[${item.environments.join(",")}]` : "",
    item.verifyOn === undefined ? "" : `verifyOn=${item.verifyOn}`,
  ];
  const specific =
    item.kind === "check"
      ? [
          `patterns=${JSON.stringify(item.patterns)}`,
          item.expect === "all-pass" ? "" : `expect=${JSON.stringify(item.expect)}`,
          item.allowFailures ? `allowFailures=${item.allowFailures}` : "",
          item.flaky === "block" ? "flaky=block" : "",
        ]
      : item.kind === "metric"
        ? [`${item.metric} ${item.operator} ${item.threshold}`]
        : item.kind === "manual"
          ? [`role=${item.role}`, `approvals=${item.approvals}`]
          : [`check=${JSON.stringify(item.check)}`];
  return [...common, ...specific].filter(Boolean).join(" ");
}

export function describeScenario(s: Scenario): string {
  const i = s.input;
  const lines = [
    `gate of ${s.environment} in [${i.environments.join(", ")}], commit ${i.commitSha}` +
      (i.lock ? ", LOCKED" : "") +
      ((i.overrides ?? []).length ? `, overrides for [${(i.overrides ?? []).map((o) => o.environment).join(", ")}]` : ""),
    "items:",
    ...i.items.map((item) => `  ${describeItem(item)}`),
  ];
  if (i.results.length) {
    lines.push("results:");
    for (const r of i.results) {
      lines.push(
        `  ${JSON.stringify(r.key)}${r.variant ? ` [${r.variant}]` : r.variant === null ? " [variant null]" : ""} ${r.status} ${r.commitSha} env=${r.environment ?? "none"} started=${at(r.startedAt)} arrived=${at(r.reportedAt)}`,
      );
    }
  }
  if (i.metrics.length) {
    lines.push("metrics:");
    for (const m of i.metrics) lines.push(`  ${m.name}=${m.value} ${m.commitSha} env=${m.environment ?? "none"} arrived=${at(m.reportedAt)}`);
  }
  if (i.signOffs.length) {
    lines.push("sign-offs:");
    for (const o of i.signOffs) {
      lines.push(`  ${o.itemKey} by ${o.userId} (${o.role}) env=${o.environment} ${o.commitSha} at=${at(o.createdAt)}${o.revokedAt ? ` revoked=${at(o.revokedAt)}` : ""}`);
    }
  }
  if ((i.rejections ?? []).length) {
    lines.push("rejections:");
    for (const r of i.rejections ?? []) lines.push(`  ${r.itemKey} by ${r.userId} (${r.role}) env=${r.environment} ${r.commitSha} at=${at(r.createdAt)}`);
  }
  if ((i.deployments ?? []).length) {
    lines.push("deploys:");
    for (const d of i.deployments ?? []) lines.push(`  ${d.environment} ${d.commitSha} at=${at(d.deployedAt)}`);
  }
  return lines.join("\n");
}

/** fast-check prints a counterexample with this. */
export function withToString(s: Scenario): Scenario {
  Object.defineProperty(s, fc.toStringMethod, { value: () => `\n${describeScenario(s)}\n`, enumerable: false });
  return s;
}

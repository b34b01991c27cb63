// The import preview's editing rules, kept apart from the markup: changing an item's kind,
// describing what an item will do, and validating the draft the way the server will.
import { templateSchema, type Phase, type TemplateDefinition, type TemplateItem } from "@/lib/templates/schema";

export const KINDS = ["check", "metric", "manual", "watch"] as const;
export type Kind = TemplateItem["kind"];

export const KIND_HELP: Record<Kind, string> = {
  check: "passes when the CI results matching its patterns pass",
  metric: "a threshold on a value CI posts, judged by Shipcheck",
  manual: "a person signs off, with optional evidence",
  watch: "a rollback criterion, watched after the deploy",
};

export type Problem = { path: string; message: string };

/** Where an item sits in the draft: `sections.{s}.items.{i}`. */
export const itemPath = (s: number, i: number) => `sections.${s}.items.${i}`;

/**
 * The item as the new kind: the fields every item has (key, title, instructions, required,
 * environments, verifyOn) are kept, the old kind's fields are dropped, and the new kind's fields start at
 * their defaults, with the ones that have none (patterns, metric name, threshold) left for the
 * reviewer to fill in. Going back to the kind the importer chose restores what it found (say a
 * manual item's steps), so trying another kind loses nothing.
 */
export function changeKind(item: TemplateItem, kind: Kind, imported?: TemplateItem): TemplateItem {
  if (item.kind === kind) return item;
  const base = {
    key: item.key,
    title: item.title,
    ...(item.instructions !== undefined ? { instructions: item.instructions } : {}),
    required: item.required,
    environments: item.environments,
    ...(item.verifyOn !== undefined ? { verifyOn: item.verifyOn } : {}),
  };
  if (imported && imported.kind === kind) {
    const restored: TemplateItem = { ...imported, ...base };
    if (item.verifyOn === undefined) delete restored.verifyOn;
    return restored;
  }
  switch (kind) {
    case "check":
      return { ...base, kind, patterns: [], expect: "all-pass", allowFailures: 0, flaky: "pass" };
    case "metric":
      // NaN: no threshold yet; validation asks for a number before anything is saved.
      return { ...base, kind, metric: "", operator: ">", threshold: Number.NaN };
    case "manual":
      return { ...base, kind, role: "release-manager", approvals: 1, evidence: "optional", noSelfApproval: false, steps: [] };
    case "watch":
      return { ...base, kind };
  }
}

// ---------------------------------------------------------------------------------------------
// Where an item is done: before each deploy (it gates that deploy), or on one environment after
// its deploy (`verifyOn`), gating the environments after that one.

/** Phases whose items can be moved to "on an environment after its deploy". */
export const placeablePhase = (phase: Phase) => phase === "pre-deploy" || phase === "post-deploy";

/** The environments an item can be done on after its deploy: every one with a later one. */
export const verifyChoices = (environments: readonly string[]) => environments.slice(0, -1);

/** The environments after `environment`, which an item done there gates. */
export function gatedBy(environment: string, environments: readonly string[]): string[] {
  const at = environments.indexOf(environment);
  return at < 0 ? [] : environments.slice(at + 1);
}

/** The unset choice, in words for the section's phase. */
export const defaultPlacement = (phase: Phase) =>
  phase === "post-deploy" ? "After each deploy — gates nothing" : "Before each deploy — gates that deploy";

/** "On staging after its deploy — gates production". */
export function placementLabel(environment: string, environments: readonly string[]): string {
  const later = gatedBy(environment, environments);
  if (!environments.includes(environment)) return `On ${environment} after its deploy — not an environment of this project`;
  return `On ${environment} after its deploy — gates ${later.length ? later.join(", ") : "nothing"}`;
}

/** The item done before each deploy (no `verifyOn`) or on `environment` after its deploy. */
export function placeItem(item: TemplateItem, environment: string | undefined): TemplateItem {
  const copy = { ...item };
  if (environment) copy.verifyOn = environment;
  else delete copy.verifyOn;
  return copy;
}

/** "a, b ,c" -> ["a", "b", "c"]: the patterns input is comma-separated. */
export const splitPatterns = (text: string) =>
  text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);

/** One line a release manager can read: what satisfies (or trips) the item. */
export function describeItem(item: TemplateItem): string {
  switch (item.kind) {
    case "check": {
      const how = item.expect === "all-pass" ? "all pass" : "count" in item.expect ? `exactly ${item.expect.count} pass` : `at least ${item.expect.min} pass`;
      if (item.patterns.length === 0) return "CI results matching: (no pattern yet)";
      const tolerance = item.allowFailures > 0 ? `, ${item.allowFailures} failure${item.allowFailures > 1 ? "s" : ""} tolerated` : "";
      return `CI results matching ${item.patterns.join(", ")}: ${how}${tolerance}`;
    }
    case "metric": {
      const threshold = Number.isFinite(item.threshold) ? String(item.threshold) : "?";
      return `${item.metric || "(metric name)"} ${item.operator} ${threshold}${item.unit ? ` ${item.unit}` : ""}`;
    }
    case "manual": {
      const people = item.approvals > 1 ? `${item.approvals} sign-offs` : "1 sign-off";
      const evidence = item.evidence === "required" ? ", evidence required" : "";
      return `${people} from ${item.role} or above${evidence}${item.noSelfApproval ? ", not by the release's creator" : ""}`;
    }
    case "watch": {
      const triggers = [
        item.check ? `check ${item.check} fails` : null,
        item.alert ? `alert ${item.alert} fires` : null,
        item.metric ? `${item.metric.name} ${item.metric.operator} ${item.metric.threshold}` : null,
      ].filter((t): t is string => t !== null);
      return triggers.length ? `Roll back if ${triggers.join(" or ")}` : "Roll back if: (nothing to watch yet)";
    }
  }
}

/** Field names as the reviewer sees them, and messages that say what to do. */
function friendly(path: (string | number)[], message: string): string {
  const field = path.at(-1);
  if (field === "patterns" || path.at(-2) === "patterns") return "give at least one pattern, e.g. tests/smoke/ (comma-separated for several)";
  if (field === "metric" && path.at(-2) !== "metric") return "give the metric's name, e.g. websocket_events_per_sec";
  if (field === "threshold") return "give the threshold as a number";
  if (field === "key" && message.startsWith("Too small")) return "give the item a key";
  if (field === "title" && path.length > 2 && message.startsWith("Too small")) return "give the item a title";
  if (field === "name" && path.length === 1) return "give the template a name";
  return message;
}

/** The same checks the server runs on save, plus one it can't know: a watch needs something to watch. */
export function validateDraft(template: TemplateDefinition): Problem[] {
  const problems: Problem[] = [];
  const parsed = templateSchema.safeParse(template);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
      problems.push({ path: path.join("."), message: friendly(path, issue.message) });
    }
  }
  template.sections.forEach((section, s) =>
    section.items.forEach((item, i) => {
      if (item.title.length > 0 && item.title.trim() === "") {
        problems.push({ path: `${itemPath(s, i)}.title`, message: "give the item a title" });
      }
      if (item.kind === "watch" && !item.check && !item.alert && !item.metric) {
        problems.push({ path: `${itemPath(s, i)}.check`, message: "give a check pattern or an alert name to watch" });
      }
    }),
  );
  return problems;
}

/** `sections.3.items.0.patterns` -> "3.0" (the item it is about), or null for template-level problems. */
export function problemItem(path: string): string | null {
  const match = /^sections\.(\d+)\.items\.(\d+)(?:\.|$)/.exec(path);
  return match ? `${match[1]}.${match[2]}` : null;
}

/** Stable JSON (sorted keys): whether the reviewer changed an item, whatever order its fields are in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(",")}}`;
  }
  return Number.isNaN(value) ? "NaN" : JSON.stringify(value);
}

export const sameItem = (a: TemplateItem, b: TemplateItem) => canonical(a) === canonical(b);

// Guarded paths: a release whose changed files touch one gets the named checks added to its gate.
import picomatch from "picomatch";
import type { RenderedMarkdown, RenderedNode } from "./rendered-markdown";
import type { CheckItem, GuardedPath } from "./schema";

export type ChangedFile = { path: string; lines?: { from: number; to: number }[] };

export type GuardHit = { guard: GuardedPath; file: ChangedFile };

function overlaps(guard: GuardedPath, file: ChangedFile): boolean {
  // Without line information from CI, any change to the file counts.
  if (!guard.lines || !file.lines?.length) return true;
  return file.lines.some((range) => range.from <= guard.lines!.to && range.to >= guard.lines!.from);
}

const normalise = (p: string) => p.replace(/^\.\//, "").replace(/\\/g, "/");

export function guardedHits(guards: GuardedPath[], files: ChangedFile[]): GuardHit[] {
  const hits: GuardHit[] = [];
  for (const guard of guards) {
    const matches = picomatch(normalise(guard.path), { dot: true });
    const file = files.find((f) => (normalise(f.path) === normalise(guard.path) || matches(normalise(f.path))) && overlaps(guard, f));
    if (file) hits.push({ guard, file });
  }
  return hits;
}

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "path";
}

/**
 * Why a guard hit adds a check, as text and code spans: written into the item's instructions as
 * Markdown, and rendered straight from these parts (a changed file's path comes from CI and is
 * never parsed as Markdown).
 */
function instructionParts(hit: GuardHit): Array<{ text: string } | { code: string }> {
  const where = hit.guard.lines ? ` (lines ${hit.guard.lines.from}-${hit.guard.lines.to})` : "";
  const checks = hit.guard.checks.flatMap((c, n) => [...(n > 0 ? [{ text: ", " }] : []), { code: c }]);
  return [
    { text: "This release changes " },
    { code: hit.file.path },
    { text: `, a guarded path${where}${hit.guard.note ? ` (${hit.guard.note})` : ""}. These checks must pass on this commit: ` },
    ...checks,
    { text: "." },
  ];
}

/** The instructions of a guard hit's check item, as the release page shows them. */
export function guardInstructionsRendering(hit: GuardHit): RenderedMarkdown {
  const nodes: RenderedNode[] = [{ parent: -1, tag: "p" }];
  for (const part of instructionParts(hit)) {
    if ("text" in part) nodes.push({ parent: 0, text: part.text });
    else nodes.push({ parent: 0, tag: "code" }, { parent: nodes.length, text: part.code });
  }
  return { nodes };
}

/** The check item a guard hit adds to the release, with the reason in its instructions. */
export function guardCheckItem(hit: GuardHit, takenKeys: Set<string>): CheckItem {
  let key = `guarded-${slugify(hit.guard.path)}`;
  for (let n = 2; takenKeys.has(key); n++) key = `guarded-${slugify(hit.guard.path)}-${n}`;
  takenKeys.add(key);
  const where = hit.guard.lines ? ` (lines ${hit.guard.lines.from}-${hit.guard.lines.to})` : "";
  return {
    kind: "check",
    key,
    title: `Guarded path changed: ${hit.guard.path}${where}`,
    instructions: instructionParts(hit)
      .map((part) => ("text" in part ? part.text : `\`${part.code}\``))
      .join(""),
    required: true,
    environments: [],
    patterns: hit.guard.checks,
    expect: "all-pass",
    allowFailures: 0,
    flaky: "pass",
  };
}

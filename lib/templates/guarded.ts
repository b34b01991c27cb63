// Guarded paths: a release whose changed files touch one gets the named checks added to its gate.
import picomatch from "picomatch";
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
    instructions: `This release changes \`${hit.file.path}\`, a guarded path${where}${hit.guard.note ? ` (${hit.guard.note})` : ""}. These checks must pass on this commit: ${hit.guard.checks.map((c) => `\`${c}\``).join(", ")}.`,
    required: true,
    environments: [],
    patterns: hit.guard.checks,
    expect: "all-pass",
    allowFailures: 0,
    flaky: "pass",
  };
}

// A check item's matching results as the release page shows them: counts, the newest run, the
// first few inline (those that did not pass first), and the whole list page by page on request,
// so the page's data stays small however many tests a check covers.
import { authorize } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { evaluateItem, type GateResult, type ItemEvaluation } from "@/lib/gate";
import type { ServerContext } from "./context";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";

export type ItemResultView = { key: string; variant: string | null; status: string; durationMs: number | null; runUrl: string | null; at: string };

/** How many failing tests and results the release's data carries per item and environment. */
export const INLINE = 50;

const ORDER: Record<GateResult["status"], number> = { failed: 0, flaky: 1, skipped: 2, passed: 3 };

function ordered(results: GateResult[]): GateResult[] {
  return [...results].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.key.localeCompare(b.key) || (a.variant ?? "").localeCompare(b.variant ?? ""));
}

const at = (r: GateResult) => (r.startedAt ?? r.reportedAt).toISOString();

function view(r: GateResult): ItemResultView {
  return { key: r.key, variant: r.variant ?? null, status: r.status, durationMs: r.durationMs ?? null, runUrl: r.runUrl ?? null, at: at(r) };
}

export function resultsInline(evaluation: ItemEvaluation) {
  const counts = { passed: 0, failed: 0, flaky: 0, skipped: 0 };
  let newest: GateResult | null = null;
  for (const r of evaluation.matched) {
    counts[r.status] += 1;
    if (!newest || at(r) > at(newest)) newest = r;
  }
  return {
    failures: evaluation.failures.slice(0, INLINE),
    failureCount: evaluation.failures.length,
    results: ordered(evaluation.matched).slice(0, INLINE).map(view),
    resultCount: evaluation.matched.length,
    resultCounts: counts,
    lastRun: newest ? { at: at(newest), runUrl: newest.runUrl ?? null } : null,
  };
}

export type ItemResultsPage = { item: string; environment: string; total: number; offset: number; results: ItemResultView[] };

export const PAGE_LIMIT = 500;

export async function getItemResults(
  ctx: ServerContext,
  projectSlug: string,
  version: string,
  itemKey: string,
  query: { environment: string; offset: number; limit: number; status?: GateResult["status"] },
): Promise<ItemResultsPage> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  const environments = project.environments.map((e) => e.name);
  if (!environments.includes(query.environment)) {
    throw new AppError("validation_failed", `unknown environment "${query.environment}"; this project has ${environments.join(", ")}`);
  }
  const { input } = await loadGateInput(release, environments, undefined, { results: "all" });
  const item = input.items.find((i) => i.key === itemKey);
  if (!item) throw new AppError("not_found", `release ${version} has no item "${itemKey}"`);
  const matched = ordered(evaluateItem(item, input, query.environment).matched).filter((r) => !query.status || r.status === query.status);
  return { item: itemKey, environment: query.environment, total: matched.length, offset: query.offset, results: matched.slice(query.offset, query.offset + query.limit).map(view) };
}

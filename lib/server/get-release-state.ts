// A release as people and CI see it: sections, items with their state per environment, and gates.
import { authorize, can, roleIn } from "@/lib/auth/permissions";
import { toRoleName } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { adviseRollback, evaluateGate, evaluateItem, patternMatches, type GateDecision, type GateInput, type GateMetric, type ItemStatus } from "@/lib/gate";
import { roleAtLeast } from "@/lib/gate/roles";
import type { RenderedMarkdown } from "@/lib/templates/rendered-markdown";
import type { RoleName } from "@/lib/templates/schema";
import { entityTag } from "@/lib/http/etag";
import type { ServerContext } from "./context";
import { pageRevision } from "./gate-state";
import { toOverrideView, type GateOverrideView } from "./gate-override";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";
import { lockView, type ProjectLockView } from "./project-lock";
import { readBeforeGate } from "./read-prometheus";
import { releaseRenderings } from "./rendered-instructions";
import { settledBy, toDecisionView, type RollbackDecisionView } from "./rollback-decision";
import { resultsInline, type ItemResultView } from "./item-results";
import type { EvidenceFileView } from "./sign-off-item";

export type { EvidenceFileView, ItemResultView };

export type SignOffView = {
  id: string;
  by: string;
  userId: string;
  role: string;
  comment: string | null;
  commitSha: string;
  createdAt: string;
  revokedAt: string | null;
  revokeReason: string | null;
  stale: boolean;
  /** Evidence given as a link (http or https). */
  evidenceUrl: string | null;
  /** Evidence given as a file: download it from GET …/evidence/{id}. */
  evidence: EvidenceFileView | null;
};

export type RejectionView = {
  id: string;
  by: string;
  userId: string;
  role: RoleName;
  reason: string;
  commitSha: string;
  createdAt: string;
  /** For the current commit and not cleared by a later sign-off: the gate is closed for it. */
  standing: boolean;
  /** For an earlier commit: history. */
  stale: boolean;
};

export type ItemEnvironmentState = {
  status: ItemStatus;
  summary: string;
  gating: boolean;
  /** The first failing tests (at most 50); `failureCount` says how many there are. */
  failures: { key: string; message: string | null }[];
  failureCount: number;
  /**
   * The first matching results (at most 50), the ones that did not pass first; the rest are read
   * page by page from GET …/items/{itemKey}/results when a person opens the list.
   */
  results: ItemResultView[];
  resultCount: number;
  resultCounts: Record<"passed" | "failed" | "flaky" | "skipped", number>;
  /** The newest matching run: when, and its CI link. */
  lastRun: { at: string; runUrl: string | null } | null;
  signOffs: SignOffView[];
  /** The standing rejection the gate names; null when none stands. */
  rejection: RejectionView | null;
  /** Every rejection for this environment, oldest first. */
  rejections: RejectionView[];
  /** Manual items' sub-steps, ticked one by one for this environment and commit. */
  steps: { text: string; ticked: boolean; by: string | null; at: string | null }[];
  /** A verifyOn item before the current commit's deploy there: nothing to sign yet. */
  awaitingDeployTo: string | null;
  /** An item with a PromQL query: the latest reading that counts here, with its value or why it has none. */
  reading: { query: string; value: number | null; error: string | null; ranAt: string; environment: string | null } | null;
};

export type ReleaseItemView = {
  key: string;
  title: string;
  kind: string;
  required: boolean;
  /** Markdown, as the template author wrote it. */
  instructions: string | null;
  /** The instructions rendered when the template was saved: what the page shows. */
  renderedInstructions: RenderedMarkdown | null;
  /** Short human description of what satisfies the item. */
  requirement: string;
  /** Metric and watch items read from Prometheus: the PromQL query Shipcheck runs. */
  query: string | null;
  /** Manual items: the least role whose sign-off counts. */
  signOffRole: RoleName | null;
  /** Manual items: the project's members whose sign-off would count (by role), by name. */
  signers: { userId: string; name: string }[];
  /** Done on this environment after its deploy there, gating the ones after it; null: before each deploy. */
  verifyOn: string | null;
  /** Manual items: whether a sign-off needs evidence (a link or a file), may have it, or takes none. */
  evidence: "none" | "optional" | "required" | null;
  /** Bumped by every sign-off, revocation and rejection; send it back as `expectedVersion` when signing off. */
  version: number;
  /** Manual items: the member expected to do it, for every environment. */
  assignee: { userId: string; name: string; assignedAt: string } | null;
  environments: Record<string, ItemEnvironmentState>;
};

export type RollbackAdviceView = {
  recommended: boolean;
  deployedAt: string | null;
  reasons: { item: string; title: string; detail: string }[];
  /** The release manager's answer to the latest deploy here, when there is one. */
  decision?: RollbackDecisionView;
};

export type ReleaseState = {
  project: { slug: string; name: string };
  release: { version: string; commitSha: string; status: string; createdAt: string; template: string; templateVersion: number };
  environments: string[];
  gates: Record<string, GateDecision>;
  /** Per environment where the release is deployed: should it roll back, and why (no longer, once decided). */
  rollback: Record<string, RollbackAdviceView>;
  /** Every rollback decision about this release, newest first. */
  rollbackDecisions: RollbackDecisionView[];
  /** Other releases of the project, newest first: where a rollback can go back to. */
  rollbackTargets: string[];
  /** The project's deploy lock: while set, every gate is closed. */
  lock: ProjectLockView | null;
  /** Every gate override of this release, active and lifted, newest first. */
  overrides: GateOverrideView[];
  sections: { title: string; phase: string; items: ReleaseItemView[] }[];
  rollbackInstructions: string | null;
  renderedRollbackInstructions: RenderedMarkdown | null;
  /** Latest results for this commit whose key no item's pattern covers (a pattern may be wrong). */
  unmatched: { key: string; status: string; environment: string | null }[];
  unmatchedCount: number;
  viewer: { role: RoleName | null; userId: string | null; canAssign: boolean };
};

const UNMATCHED_SHOWN = 200;

function unmatchedResults(input: GateInput): Pick<ReleaseState, "unmatched" | "unmatchedCount"> {
  const patterns = input.items.flatMap((item) => (item.kind === "check" ? item.patterns : item.kind === "watch" && item.check ? [item.check] : []));
  const latest = new Map<string, GateInput["results"][number]>();
  for (const r of input.results) {
    if (r.commitSha !== input.commitSha) continue;
    const id = `${r.environment ?? ""}\u0000${r.key}`;
    const seen = latest.get(id);
    if (!seen || (r.startedAt ?? r.reportedAt) > (seen.startedAt ?? seen.reportedAt)) latest.set(id, r);
  }
  const unmatched = [...latest.values()].filter((r) => !patterns.some((p) => patternMatches(p, r.key)));
  unmatched.sort((a, b) => a.key.localeCompare(b.key));
  return {
    unmatched: unmatched.slice(0, UNMATCHED_SHOWN).map((r) => ({ key: r.key, status: r.status, environment: r.environment })),
    unmatchedCount: unmatched.length,
  };
}

function readingOf(metric: GateMetric | null | undefined): ItemEnvironmentState["reading"] {
  if (!metric?.query) return null;
  return { query: metric.query, value: metric.value, error: metric.error ?? null, ranAt: metric.reportedAt.toISOString(), environment: metric.environment };
}

function requirementOf(config: Record<string, unknown>, kind: string): string {
  switch (kind) {
    case "check": {
      const expect = config.expect as string | { count?: number; min?: number };
      const how = typeof expect === "string" ? "all pass" : expect.count ? `exactly ${expect.count} pass` : `at least ${expect.min} pass`;
      return `${(config.patterns as string[]).join(", ")}: ${how}`;
    }
    case "metric":
      return `${config.metric} ${config.operator} ${config.threshold}${config.unit ? ` ${config.unit}` : ""}${config.query ? ", read from Prometheus" : ""}`;
    case "manual": {
      const n = config.approvals as number;
      return `${n} sign-off${n > 1 ? "s" : ""} from ${config.role}`;
    }
    default:
      return "watched after deploy";
  }
}

/**
 * A tag for what getReleaseState would answer this caller now: it changes with the release, the
 * project's own events, the list of releases, and who is asking (the viewer's role is part of it).
 */
export async function releaseStateTag(ctx: ServerContext, projectSlug: string, version: string): Promise<string> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  await readBeforeGate(release, project, project.environments.map((e) => e.name), ctx);
  const who = ctx.principal.kind === "user" ? `u:${ctx.principal.user.id}` : ctx.principal.kind === "token" ? `t:${ctx.principal.token.id}` : "system";
  return entityTag("release", release.id, await pageRevision(release), who, roleIn(ctx.principal, project.id) ?? "-", String(can(ctx.principal, project, "signoff:write")));
}

export async function getReleaseState(ctx: ServerContext, projectSlug: string, version: string): Promise<ReleaseState> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  const environments = project.environments.map((e) => e.name);
  await readBeforeGate(release, project, environments, ctx);
  const { input, items, signOffs, rejections, deployments, lock } = await loadGateInput(release, environments);
  const evidenceFiles = await db().evidence.findMany({
    where: { releaseId: release.id },
    select: { id: true, filename: true, contentType: true, size: true, sha256: true },
  });
  const evidenceById = new Map(evidenceFiles.map((e) => [e.id, e]));
  const overrides = await db().gateOverride.findMany({ where: { releaseId: release.id }, orderBy: { createdAt: "desc" } });
  const decisions = await db().rollbackDecision.findMany({ where: { releaseId: release.id }, orderBy: { createdAt: "desc" } });
  const settled = settledBy(decisions, deployments);
  const others = await db().release.findMany({
    where: { projectId: project.id, id: { not: release.id } },
    orderBy: { createdAt: "desc" },
    select: { version: true },
    take: 50,
  });
  // Who can give a manual item's sign-off: members with the role or above, still able to sign in.
  const members = await db().membership.findMany({
    where: { projectId: project.id, user: { disabledAt: null } },
    select: { role: true, user: { select: { id: true, email: true, name: true } } },
  });
  const signersFor = (least: RoleName) =>
    members
      .filter((m) => roleAtLeast(toRoleName(m.role), least))
      .map((m) => ({ userId: m.user.id, name: m.user.name ?? m.user.email }))
      .sort((a, b) => a.name.localeCompare(b.name));
  const assigneeIds = [...new Set(items.flatMap((row) => (row.assigneeId ? [row.assigneeId] : [])))];
  const assignees = new Map(
    (await db().user.findMany({ where: { id: { in: assigneeIds } }, select: { id: true, email: true, name: true } })).map((u) => [u.id, u.name ?? u.email]),
  );
  const ticks = await db().stepTick.findMany({
    where: { releaseId: release.id, commitSha: release.commitSha },
    include: { user: { select: { email: true, name: true } } },
  });
  const template = await db().templateVersion.findUniqueOrThrow({
    where: { id: release.templateVersionId },
    include: { template: true },
  });
  // Stored when the template was saved; made and stored here only for releases older than that.
  const renderings = await releaseRenderings(
    await db().releaseItem.findMany({ where: { releaseId: release.id }, select: { id: true, key: true, instructions: true, renderedInstructions: true } }),
    template,
  );

  const sections: ReleaseState["sections"] = [];
  items.forEach((row, index) => {
    const gateItem = input.items[index]!;
    let section = sections.at(-1);
    if (!section || section.title !== row.section) {
      section = { title: row.section, phase: row.phase, items: [] };
      sections.push(section);
    }
    const perEnvironment: Record<string, ItemEnvironmentState> = {};
    for (const environment of environments) {
      const evaluation = evaluateItem(gateItem, input, environment);
      // A verifyOn item is signed where the work happens, whichever environment's tab shows it.
      const signedOn = gateItem.verifyOn ?? environment;
      const awaitingDeploy = gateItem.verifyOn !== undefined && !deployments.some((d) => d.environment === gateItem.verifyOn && d.commitSha === release.commitSha);
      const standing = evaluation.rejection;
      const rejectionViews: RejectionView[] = rejections
        .filter((r) => r.itemId === row.id && r.environment === signedOn)
        .map((r) => ({
          id: r.id,
          by: r.user.name ?? r.user.email,
          userId: r.userId,
          role: toRoleName(r.role),
          reason: r.reason,
          commitSha: r.commitSha,
          createdAt: r.createdAt.toISOString(),
          standing: false,
          stale: r.commitSha !== release.commitSha,
        }));
      // Which stand, by the gate's own rule: for this commit, no sign-off that counts after it.
      for (const view of rejectionViews) {
        view.standing = !view.stale && !evaluation.validSignOffs.some((s) => s.createdAt.toISOString() > view.createdAt);
      }
      perEnvironment[environment] = {
        status: evaluation.status,
        summary: evaluation.summary,
        gating: evaluation.gating,
        ...resultsInline(evaluation),
        signOffs: signOffs
          .filter((s) => s.itemId === row.id && s.environment === signedOn)
          .map((s) => ({
            id: s.id,
            by: s.user.name ?? s.user.email,
            userId: s.userId,
            role: toRoleName(s.role),
            comment: s.comment,
            commitSha: s.commitSha,
            createdAt: s.createdAt.toISOString(),
            revokedAt: s.revokedAt?.toISOString() ?? null,
            revokeReason: s.revokeReason,
            stale: s.commitSha !== release.commitSha,
            evidenceUrl: s.evidenceUrl,
            evidence: (s.evidenceId ? evidenceById.get(s.evidenceId) : undefined) ?? null,
          })),
        rejection: standing ? (rejectionViews.find((v) => v.standing && v.userId === standing.userId && v.createdAt === standing.createdAt.toISOString()) ?? null) : null,
        rejections: rejectionViews,
        steps: (gateItem.kind === "manual" ? gateItem.steps : []).map((text, step) => {
          const tick = ticks.find((t) => t.itemId === row.id && t.environment === signedOn && t.step === step);
          return { text, ticked: Boolean(tick), by: tick ? (tick.user.name ?? tick.user.email) : null, at: tick?.tickedAt.toISOString() ?? null };
        }),
        awaitingDeployTo: awaitingDeploy ? signedOn : null,
        reading: readingOf(evaluation.metric),
      };
    }
    section.items.push({
      key: row.key,
      title: row.title,
      kind: row.kind,
      required: row.required,
      instructions: row.instructions,
      renderedInstructions: renderings.items.get(row.id) ?? null,
      requirement: requirementOf(row.config as Record<string, unknown>, row.kind),
      query: gateItem.kind === "metric" ? (gateItem.query ?? null) : gateItem.kind === "watch" ? (gateItem.metric?.query ?? null) : null,
      signOffRole: gateItem.kind === "manual" ? gateItem.role : null,
      signers: gateItem.kind === "manual" ? signersFor(gateItem.role) : [],
      verifyOn: gateItem.verifyOn ?? null,
      evidence: gateItem.kind === "manual" ? gateItem.evidence : null,
      version: row.version,
      assignee:
        gateItem.kind === "manual" && row.assigneeId && row.assignedAt
          ? { userId: row.assigneeId, name: assignees.get(row.assigneeId) ?? "a former member", assignedAt: row.assignedAt.toISOString() }
          : null,
      environments: perEnvironment,
    });
  });

  const definition = template.definition as { rollback?: { instructions?: string } };
  const rollbackRendering = definition.rollback?.instructions ? (renderings.template["rollback.instructions"] ?? null) : null;
  return {
    project: { slug: project.slug, name: project.name },
    release: {
      version: release.version,
      commitSha: release.commitSha,
      status: release.status,
      createdAt: release.createdAt.toISOString(),
      template: template.template.name,
      templateVersion: template.version,
    },
    environments,
    gates: Object.fromEntries(environments.map((e) => [e, evaluateGate(input, e)])),
    rollback: Object.fromEntries(
      environments.map((e) => {
        const advice = adviseRollback(input, e);
        const decision = settled.get(e);
        const view: RollbackAdviceView = { recommended: advice.recommended && !decision, deployedAt: advice.deployedAt?.toISOString() ?? null, reasons: advice.reasons };
        if (decision) view.decision = toDecisionView(decision);
        return [e, view];
      }),
    ),
    rollbackDecisions: decisions.map(toDecisionView),
    rollbackTargets: others.map((r) => r.version),
    lock: lockView(lock),
    overrides: overrides.map(toOverrideView),
    sections,
    rollbackInstructions: definition.rollback?.instructions ?? null,
    renderedRollbackInstructions: rollbackRendering,
    ...unmatchedResults(input),
    viewer: {
      role: can(ctx.principal, project, "signoff:write") ? roleIn(ctx.principal, project.id) : null,
      userId: ctx.principal.kind === "user" ? ctx.principal.user.id : null,
      canAssign: can(ctx.principal, project, "item:assign"),
    },
  };
}

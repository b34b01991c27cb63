// The evidence pack of a release: everything Shipcheck knows about it, read in one consistent
// snapshot, with the release's audit chain and its signed checkpoints, the whole signed with the
// instance's key, so `shipcheck verify --key` can prove the trail and the snapshot untouched.
// Evidence files are described (name, type, size, SHA-256), never included.
import { Prisma } from "@/generated/prisma/client";
import { chainOf } from "@/lib/audit/chain";
import { PACK_FORMAT, PACK_FORMAT_VERSION, type EvidencePack, type UnsignedEvidencePack } from "@/lib/audit/pack";
import { signPack } from "@/lib/audit/pack-signature";
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { toRoleName } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { evaluateGate } from "@/lib/gate";
import type { ServerContext } from "./context";
import { auditSigningKey } from "./audit-signing-key";
import { loadVerifiedChain } from "./get-audit-trail";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

/** `shipcheck-<project>-<version>-evidence.json`, with anything unusual in a name made safe for a header. */
export function evidencePackFilename(project: string, version: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._+-]/g, "_");
  return `shipcheck-${safe(project)}-${safe(version)}-evidence.json`;
}

export async function exportEvidencePack(ctx: ServerContext, projectSlug: string, version: string): Promise<EvidencePack> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const environments = project.environments.map((e) => e.name);

  // One snapshot: a result or sign-off arriving mid-export is either wholly in the pack or not at all.
  return db().$transaction(
    async (tx) => {
      const release = await findRelease(project.id, version, tx);
      const template = await tx.templateVersion.findUniqueOrThrow({ where: { id: release.templateVersionId }, include: { template: { select: { name: true } } } });
      const createdBy = release.createdById ? await tx.user.findUnique({ where: { id: release.createdById }, select: { email: true } }) : null;
      const { input, items } = await loadGateInput(release, environments, tx);
      const results = await tx.result.findMany({ where: { releaseId: release.id }, orderBy: [{ reportedAt: "asc" }, { key: "asc" }, { id: "asc" }] });
      const metrics = await tx.metric.findMany({ where: { releaseId: release.id }, orderBy: [{ reportedAt: "asc" }, { name: "asc" }] });
      const signOffs = await tx.signOff.findMany({
        where: { releaseId: release.id },
        include: { item: { select: { key: true } }, user: { select: { email: true, name: true } }, revokedBy: { select: { email: true } } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
      const evidenceIds = signOffs.flatMap((s) => (s.evidenceId ? [s.evidenceId] : []));
      const files = evidenceIds.length
        ? await tx.evidence.findMany({
            where: { id: { in: evidenceIds } },
            // Never the bytes: the pack says which file, and its digest proves which.
            select: { id: true, filename: true, contentType: true, size: true, sha256: true, uploadedBy: true, createdAt: true },
          })
        : [];
      const ticks = await tx.stepTick.findMany({
        where: { releaseId: release.id },
        include: { item: { select: { key: true } }, user: { select: { email: true } } },
        orderBy: [{ tickedAt: "asc" }, { id: "asc" }],
      });
      const deployments = await tx.deployment.findMany({ where: { releaseId: release.id }, orderBy: [{ deployedAt: "asc" }, { id: "asc" }] });
      const decisions = await tx.rollbackDecision.findMany({ where: { releaseId: release.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      const overrides = await tx.gateOverride.findMany({ where: { releaseId: release.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      const alerts = await tx.alert.findMany({ where: { releaseId: release.id }, orderBy: [{ receivedAt: "asc" }, { id: "asc" }] });
      const { events, checkpoints, chain } = await loadVerifiedChain(chainOf({ releaseId: release.id, projectId: release.projectId }), tx);
      const key = auditSigningKey();

      const fileById = new Map(files.map((f) => [f.id, f]));
      const stepsOf = new Map(items.map((row) => [row.id, (row.config as { steps?: unknown }).steps]));
      const stepText = (itemId: string, step: number) => {
        const steps = stepsOf.get(itemId);
        return Array.isArray(steps) && typeof steps[step] === "string" ? (steps[step] as string) : null;
      };

      const pack: UnsignedEvidencePack = {
        format: PACK_FORMAT,
        formatVersion: PACK_FORMAT_VERSION,
        generatedAt: iso(new Date()),
        generatedBy: principalLabel(ctx.principal),
        project: { id: project.id, slug: project.slug, name: project.name, environments },
        release: {
          id: release.id,
          version: release.version,
          commit: release.commitSha,
          status: release.status,
          createdAt: iso(release.createdAt),
          createdBy: createdBy?.email ?? null,
          changedFiles: release.changedFiles,
        },
        template: {
          name: template.template.name,
          version: template.version,
          digest: template.digest,
          createdAt: iso(template.createdAt),
          definition: template.definition,
        },
        items: items.map((row) => ({
          key: row.key,
          section: row.section,
          phase: row.phase,
          position: row.position,
          kind: row.kind,
          title: row.title,
          instructions: row.instructions,
          required: row.required,
          environments: row.environments,
          config: row.config,
        })),
        results: results.map((r) => ({
          key: r.key,
          status: r.status,
          message: r.message,
          durationMs: r.durationMs,
          commit: r.commitSha,
          environment: r.environment,
          runId: r.runId,
          runUrl: r.runUrl,
          startedAt: isoOrNull(r.startedAt),
          reportedAt: iso(r.reportedAt),
          source: r.source,
          deliveryId: r.deliveryId,
        })),
        metrics: metrics.map((m) => ({
          name: m.name,
          value: m.value,
          unit: m.unit,
          commit: m.commitSha,
          environment: m.environment,
          reportedAt: iso(m.reportedAt),
          deliveryId: m.deliveryId,
          source: m.source,
          query: m.query,
          error: m.error,
        })),
        signOffs: signOffs.map((s) => {
          const file = s.evidenceId ? fileById.get(s.evidenceId) : undefined;
          return {
            id: s.id,
            item: s.item.key,
            userId: s.userId,
            by: s.user.email,
            name: s.user.name,
            role: toRoleName(s.role),
            environment: s.environment,
            commit: s.commitSha,
            comment: s.comment,
            evidenceUrl: s.evidenceUrl,
            evidence: file ? { ...file, createdAt: iso(file.createdAt) } : null,
            createdAt: iso(s.createdAt),
            stale: s.commitSha !== release.commitSha,
            revokedAt: isoOrNull(s.revokedAt),
            revokedById: s.revokedById,
            revokedBy: s.revokedBy?.email ?? null,
            revokeReason: s.revokeReason,
          };
        }),
        stepTicks: ticks.map((t) => ({
          item: t.item.key,
          environment: t.environment,
          step: t.step,
          text: stepText(t.itemId, t.step),
          commit: t.commitSha,
          by: t.user.email,
          tickedAt: iso(t.tickedAt),
        })),
        gates: Object.fromEntries(environments.map((e) => [e, evaluateGate(input, e)])),
        deployments: deployments.map((d) => ({ environment: d.environment, commit: d.commitSha, overridden: d.overridden, deployedBy: d.deployedBy, deployedAt: iso(d.deployedAt) })),
        rollbackDecisions: decisions.map((d) => ({ environment: d.environment, decision: d.decision, toVersion: d.toVersion, reason: d.reason, by: d.by, createdAt: iso(d.createdAt) })),
        overrides: overrides.map((o) => ({ environment: o.environment, reason: o.reason, by: o.by, createdAt: iso(o.createdAt), liftedAt: isoOrNull(o.liftedAt), liftedBy: o.liftedBy })),
        alerts: alerts.map((a) => ({
          name: a.name,
          environment: a.environment,
          status: a.status,
          fingerprint: a.fingerprint,
          startsAt: isoOrNull(a.startsAt),
          endsAt: isoOrNull(a.endsAt),
          labels: a.labels,
          annotations: a.annotations,
          receivedAt: iso(a.receivedAt),
        })),
        signingKey: key.info,
        audit: { chain, checkpoints, events },
      };
      return { ...pack, signature: signPack(key.privateKey, pack) };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000, maxWait: 10_000 },
  );
}

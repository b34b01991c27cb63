// Everything the pure gate needs for one release, read in one go.
import type { Release } from "@/generated/prisma/client";
import { toRoleName } from "@/lib/auth/roles";
import { db, type Tx } from "@/lib/db/client";
import type { GateInput } from "@/lib/gate";
import { toGateItem } from "./snapshot";

export async function loadGateInput(release: Release, environments: string[], client: Tx = db()) {
  const [items, results, metrics, signOffs, deployments, alerts] = await Promise.all([
    client.releaseItem.findMany({ where: { releaseId: release.id }, orderBy: { position: "asc" } }),
    client.result.findMany({ where: { releaseId: release.id } }),
    client.metric.findMany({ where: { releaseId: release.id } }),
    client.signOff.findMany({
      where: { releaseId: release.id },
      include: { item: { select: { key: true } }, user: { select: { email: true, name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    client.deployment.findMany({ where: { releaseId: release.id }, orderBy: { deployedAt: "asc" } }),
    client.alert.findMany({ where: { releaseId: release.id } }),
  ]);
  const input: GateInput = {
    commitSha: release.commitSha,
    environments,
    items: items.map(toGateItem),
    results: results.map((r) => ({
      key: r.key,
      status: r.status,
      message: r.message,
      durationMs: r.durationMs,
      commitSha: r.commitSha,
      environment: r.environment,
      startedAt: r.startedAt,
      reportedAt: r.reportedAt,
      runUrl: r.runUrl,
    })),
    metrics: metrics.map((m) => ({
      name: m.name,
      value: m.value,
      unit: m.unit,
      commitSha: m.commitSha,
      environment: m.environment,
      reportedAt: m.reportedAt,
    })),
    signOffs: signOffs.map((s) => ({
      itemKey: s.item.key,
      userId: s.userId,
      userLabel: s.user.name ?? s.user.email,
      role: toRoleName(s.role),
      environment: s.environment,
      commitSha: s.commitSha,
      createdAt: s.createdAt,
      revokedAt: s.revokedAt,
    })),
    // Latest deploy per environment: rollback criteria look at what came after it.
    deployments: [...new Map(deployments.map((d) => [d.environment, d])).values()].map((d) => ({ environment: d.environment, deployedAt: d.deployedAt })),
    alerts: alerts.map((a) => ({ name: a.name, environment: a.environment, status: a.status === "firing" ? "firing" : "resolved", receivedAt: a.receivedAt })),
  };
  return { input, items, signOffs };
}

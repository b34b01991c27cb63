// Alerts from Alertmanager, recorded against the release currently deployed to their environment.
import { createHash, randomUUID } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { alertEnvironment, alertTime, type AlertmanagerPayload } from "@/lib/ingest/alertmanager";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { keepRawPayload, type RawBody } from "./raw-payload";

export async function receiveAlerts(ctx: ServerContext, payload: AlertmanagerPayload, fallbackEnvironment: string | null, raw: RawBody) {
  if (ctx.principal.kind !== "token") throw new AppError("forbidden", "send alerts with the project's API token");
  const project = await db().project.findUnique({ where: { id: ctx.principal.token.projectId }, include: { environments: true } });
  if (!project) throw new AppError("not_found", "project not found");
  authorize(ctx.principal, project, "results:write");
  const known = new Set(project.environments.map((e) => e.name));
  const alerts = payload.alerts.map((alert, index) => {
    const environment = alertEnvironment(alert.labels, fallbackEnvironment);
    if (!environment) throw new AppError("validation_failed", `alert ${index} has no environment: add an "environment" label or ?environment=`, [{ path: `alerts.${index}.labels.environment`, message: "missing" }]);
    if (!known.has(environment)) throw new AppError("validation_failed", `unknown environment "${environment}"; project "${project.slug}" has ${[...known].join(", ")}`);
    return { alert, environment };
  });

  const delivery = randomUUID();
  return db().$transaction(async (tx) => {
    const deployedTo = new Map<string, { id: string; version: string } | null>();
    for (const environment of new Set(alerts.map((a) => a.environment))) {
      const current = await tx.deployment.findFirst({ where: { projectId: project.id, environment }, orderBy: { deployedAt: "desc" } });
      const release = current ? await tx.release.findUnique({ where: { id: current.releaseId }, select: { id: true, version: true } }) : null;
      deployedTo.set(environment, release);
    }
    await tx.alert.createMany({
      data: alerts.map(({ alert, environment }) => ({
        projectId: project.id,
        releaseId: deployedTo.get(environment)?.id ?? null,
        environment,
        name: alert.labels.alertname!,
        fingerprint: alert.fingerprint ?? createHash("sha256").update(JSON.stringify(alert.labels)).digest("hex").slice(0, 16),
        status: alert.status,
        startsAt: alertTime(alert.startsAt),
        endsAt: alertTime(alert.endsAt),
        labels: alert.labels as Prisma.InputJsonValue,
        annotations: alert.annotations as Prisma.InputJsonValue,
      })),
    });
    await keepRawPayload(tx, raw, { projectId: project.id, releaseId: null, source: "alertmanager", deliveryId: delivery });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "alerts.received",
      targetType: "project",
      targetId: project.id,
      after: { delivery, alerts: alerts.map(({ alert, environment }) => ({ name: alert.labels.alertname, status: alert.status, environment })) },
    });
    return {
      delivery,
      recorded: alerts.length,
      // The release the alert was recorded against: the one deployed to its environment, if any.
      alerts: alerts.map(({ alert, environment }) => ({ name: alert.labels.alertname!, status: alert.status, environment, release: deployedTo.get(environment)?.version ?? null })),
    };
  });
}

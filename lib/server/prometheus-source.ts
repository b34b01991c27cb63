// The project's Prometheus (base URL and optional bearer token), set by its admins. The token is
// needed in clear to be sent, so it is kept as it is, and never returned, audited or logged: the
// view says only whether one is set.
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { prometheusSourceSchema } from "@/lib/validation/data-sources";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export type PrometheusSourceView = { url: string | null; bearerTokenSet: boolean };

export async function getPrometheusSource(ctx: ServerContext, projectSlug: string): Promise<PrometheusSourceView> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  return { url: project.prometheusUrl, bearerTokenSet: project.prometheusBearerToken !== null };
}

export async function setPrometheusSource(ctx: ServerContext, projectSlug: string, raw: unknown): Promise<PrometheusSourceView> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const input = prometheusSourceSchema.parse(raw);
  const url = input.url;
  const token = url === null ? null : input.bearerToken === undefined ? project.prometheusBearerToken : input.bearerToken;
  await db().$transaction(async (tx) => {
    await tx.project.update({ where: { id: project.id }, data: { prometheusUrl: url, prometheusBearerToken: token } });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      action: "project.prometheus_changed",
      targetType: "project",
      targetId: project.id,
      before: { url: project.prometheusUrl, bearerTokenSet: project.prometheusBearerToken !== null },
      after: { url, bearerTokenSet: token !== null, bearerTokenChanged: token !== project.prometheusBearerToken },
    });
  });
  return { url, bearerTokenSet: token !== null };
}

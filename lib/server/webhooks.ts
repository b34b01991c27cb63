// A project's webhook endpoints and their deliveries. Project admins only; the secret is returned
// once, when the endpoint is made, and never again.
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { generateWebhookSecret } from "@/lib/notifications/signing";
import { createWebhookSchema } from "@/lib/validation/webhooks";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

/** Endpoints a project may have, so one project cannot make the worker send without end. */
const MAX_ENDPOINTS = 20;
/** Deliveries listed per endpoint, newest first. */
const LISTED_DELIVERIES = 50;

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export type WebhookView = { id: string; url: string; format: string; events: string[]; createdBy: string; createdAt: string };

const view = (e: { id: string; url: string; format: string; events: string[]; createdBy: string; createdAt: Date }): WebhookView => ({
  id: e.id,
  url: e.url,
  format: e.format,
  events: e.events,
  createdBy: e.createdBy,
  createdAt: e.createdAt.toISOString(),
});

export async function createWebhook(ctx: ServerContext, projectSlug: string, raw: unknown) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const input = createWebhookSchema.parse(raw);
  const secret = generateWebhookSecret();
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${project.id}::uuid FOR UPDATE`;
    if ((await tx.webhookEndpoint.count({ where: { projectId: project.id } })) >= MAX_ENDPOINTS) {
      throw new AppError("conflict", `a project has at most ${MAX_ENDPOINTS} webhook endpoints: delete one first`);
    }
    const created = await tx.webhookEndpoint.create({ data: { projectId: project.id, url: input.url, format: input.format, events: input.events, secret, createdBy: principalLabel(ctx.principal) } });
    // The secret is never audited: only that there is one.
    await recordAudit(tx, ctx, { projectId: project.id, action: "webhook.created", targetType: "webhook", targetId: created.id, after: { url: created.url, format: created.format, events: created.events } });
    return { ...view(created), secret };
  });
}

export async function listWebhooks(ctx: ServerContext, projectSlug: string): Promise<WebhookView[]> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const endpoints = await db().webhookEndpoint.findMany({ where: { projectId: project.id }, orderBy: { createdAt: "asc" } });
  return endpoints.map(view);
}

async function findEndpoint(projectId: string, webhookId: string) {
  const endpoint = isUuid(webhookId) ? await db().webhookEndpoint.findFirst({ where: { id: webhookId, projectId } }) : null;
  if (!endpoint) throw new AppError("not_found", "webhook not found");
  return endpoint;
}

export async function deleteWebhook(ctx: ServerContext, projectSlug: string, webhookId: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const endpoint = await findEndpoint(project.id, webhookId);
  await db().$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id: endpoint.id } });
    await recordAudit(tx, ctx, { projectId: project.id, action: "webhook.deleted", targetType: "webhook", targetId: endpoint.id, before: { url: endpoint.url, format: endpoint.format } });
  });
  return { id: endpoint.id, deleted: true };
}

export type DeliveryView = {
  id: string;
  messageId: string;
  type: string;
  status: string;
  tries: number;
  createdAt: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  attempts: { startedAt: string; durationMs: number; statusCode: number | null; response: string | null; error: string | null }[];
};

export async function listDeliveries(ctx: ServerContext, projectSlug: string, webhookId: string): Promise<DeliveryView[]> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const endpoint = await findEndpoint(project.id, webhookId);
  const deliveries = await db().notificationDelivery.findMany({
    where: { endpointId: endpoint.id },
    orderBy: { createdAt: "desc" },
    take: LISTED_DELIVERIES,
    include: { attempts: { orderBy: { startedAt: "desc" }, take: 20 } },
  });
  return deliveries.map((d) => ({
    id: d.id,
    messageId: `msg_${d.id}`,
    type: d.type,
    status: d.status,
    tries: d.tries,
    createdAt: d.createdAt.toISOString(),
    nextAttemptAt: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    attempts: d.attempts.map((a) => ({ startedAt: a.startedAt.toISOString(), durationMs: a.durationMs, statusCode: a.statusCode, response: a.response, error: a.error })),
  }));
}

/** Sends a delivery again now, with the same id and payload, as a fresh round of tries. */
export async function redeliver(ctx: ServerContext, projectSlug: string, webhookId: string, deliveryId: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const endpoint = await findEndpoint(project.id, webhookId);
  if (!isUuid(deliveryId)) throw new AppError("not_found", "delivery not found");
  return db().$transaction(async (tx) => {
    const updated = await tx.notificationDelivery.updateMany({
      where: { id: deliveryId, endpointId: endpoint.id },
      data: { status: "pending", tries: 0, nextAttemptAt: new Date(), deliveredAt: null },
    });
    if (updated.count === 0) throw new AppError("not_found", "delivery not found");
    await recordAudit(tx, ctx, { projectId: project.id, action: "webhook.redelivered", targetType: "webhook", targetId: endpoint.id, after: { delivery: deliveryId } });
    return { id: deliveryId, messageId: `msg_${deliveryId}`, status: "pending" };
  });
}

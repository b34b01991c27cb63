// Queues a notification in the outbox, inside the caller's transaction: one delivery per webhook
// endpoint of the project that takes this type, and one per person who can act on it and has not
// turned it off. Rolled back with the change; sent by the worker once committed.
import { randomUUID } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import { toRoleName } from "@/lib/auth/roles";
import type { Tx } from "@/lib/db/client";
import { roleAtLeast } from "@/lib/gate/roles";
import type { RoleName } from "@/lib/templates/schema";
import { standardPayload, type Notification } from "./message";

export type Audience = {
  /** People who can act: members with this role or above (the item's role for a sign-off). */
  leastRole: RoleName;
};

/** Who is told, by type: a sign-off by those who may give it, everything else by release managers and admins. */
export function audienceFor(notification: Notification, itemRole: RoleName | null): Audience {
  if ((notification.type === "signoff.needed" || notification.type === "signoff.rejected") && itemRole) return { leastRole: itemRole };
  return { leastRole: "release-manager" };
}

export async function enqueueNotification(tx: Tx, ids: { projectId: string; releaseId: string | null }, notification: Notification, audience: Audience): Promise<number> {
  const payload = standardPayload(notification, new Date()) as unknown as Prisma.InputJsonValue;
  const endpoints = await tx.webhookEndpoint.findMany({ where: { projectId: ids.projectId }, select: { id: true, events: true } });
  const rows: Prisma.NotificationDeliveryCreateManyInput[] = endpoints
    .filter((e) => e.events.length === 0 || e.events.includes(notification.type))
    .map((e) => ({ id: randomUUID(), projectId: ids.projectId, releaseId: ids.releaseId, channel: "webhook", endpointId: e.id, type: notification.type, payload }));
  // Email only where the project's admins turned it on, and only with an SMTP server to hand it to.
  const project = await tx.project.findUnique({ where: { id: ids.projectId }, select: { emailNotifications: true } });
  const members = !process.env.SHIPCHECK_SMTP_URL || !project?.emailNotifications ? [] : await tx.membership.findMany({
    where: { projectId: ids.projectId, user: { disabledAt: null, NOT: { notificationOptOut: { has: notification.type } } } },
    select: { role: true, user: { select: { email: true } } },
  });
  for (const m of members) {
    if (!roleAtLeast(toRoleName(m.role), audience.leastRole)) continue;
    rows.push({ id: randomUUID(), projectId: ids.projectId, releaseId: ids.releaseId, channel: "email", recipient: m.user.email, type: notification.type, payload });
  }
  if (rows.length) await tx.notificationDelivery.createMany({ data: rows });
  return rows.length;
}

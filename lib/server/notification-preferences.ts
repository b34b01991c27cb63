// Which notifications a person gets by email: every type they can act on, less the ones turned off.
import type { UserPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { NOTIFICATION_TYPES, type NotificationType } from "@/lib/notifications/events";
import { notificationPreferencesSchema } from "@/lib/validation/webhooks";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";

export type NotificationPreferences = { types: { type: NotificationType; email: boolean }[] };

const shape = (optOut: string[]): NotificationPreferences => ({ types: NOTIFICATION_TYPES.map((type) => ({ type, email: !optOut.includes(type) })) });

export async function getNotificationPreferences(principal: UserPrincipal): Promise<NotificationPreferences> {
  const user = await db().user.findUniqueOrThrow({ where: { id: principal.user.id }, select: { notificationOptOut: true } });
  return shape(user.notificationOptOut);
}

export async function setNotificationPreferences(ctx: ServerContext & { principal: UserPrincipal }, raw: unknown): Promise<NotificationPreferences> {
  const input = notificationPreferencesSchema.parse(raw);
  const optOut = [...new Set(input.optOut)].sort();
  return db().$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: ctx.principal.user.id }, select: { notificationOptOut: true } });
    await tx.user.update({ where: { id: ctx.principal.user.id }, data: { notificationOptOut: optOut } });
    await recordAudit(tx, ctx, { projectId: null, action: "account.notifications_changed", targetType: "user", targetId: ctx.principal.user.id, before: { optOut: before.notificationOptOut }, after: { optOut } });
    return shape(optOut);
  });
}

// Whether a project's notifications are emailed to the members who can act. Project admins decide;
// the instance must have an SMTP server (SHIPCHECK_SMTP_URL) for any email to go out.
import { authorize } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { emailNotificationsSchema } from "@/lib/validation/webhooks";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject } from "./lookup";

export type EmailNotificationsView = { email: boolean; smtpConfigured: boolean };

export async function getEmailNotifications(ctx: ServerContext, projectSlug: string): Promise<EmailNotificationsView> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  return { email: project.emailNotifications, smtpConfigured: Boolean(process.env.SHIPCHECK_SMTP_URL) };
}

export async function setEmailNotifications(ctx: ServerContext, projectSlug: string, raw: unknown): Promise<EmailNotificationsView> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  const input = emailNotificationsSchema.parse(raw);
  await db().$transaction(async (tx) => {
    await tx.project.update({ where: { id: project.id }, data: { emailNotifications: input.email } });
    await recordAudit(tx, ctx, { projectId: project.id, action: "notifications.email_changed", targetType: "project", targetId: project.id, before: { email: project.emailNotifications }, after: { email: input.email } });
  });
  return { email: input.email, smtpConfigured: Boolean(process.env.SHIPCHECK_SMTP_URL) };
}

// Audit events are written inside the same transaction as the change they describe.
import type { Prisma } from "@/generated/prisma/client";
import { principalLabel } from "@/lib/auth/principal";
import type { Tx } from "@/lib/db/client";
import type { ServerContext } from "./context";

export type AuditEntry = {
  projectId: string | null;
  releaseId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: Prisma.InputJsonValue;
  after?: Prisma.InputJsonValue;
};

export async function recordAudit(tx: Tx, ctx: ServerContext, entry: AuditEntry): Promise<void> {
  const { principal } = ctx;
  await tx.auditEvent.create({
    data: {
      projectId: entry.projectId,
      releaseId: entry.releaseId ?? null,
      actorUserId: principal.kind === "user" ? principal.user.id : null,
      actorToken: principal.kind === "token" ? principal.token.id : null,
      actorLabel: principalLabel(principal),
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: entry.before,
      after: entry.after,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    },
  });
}

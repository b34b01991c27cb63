// A person signs off a manual item for one environment, bound to the release's current commit,
// with optional evidence: a link, or a file (kept in the database, served back only as a download).
import { createHash } from "node:crypto";
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { toDbRole, toRoleName } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { checkEvidenceFile } from "@/lib/evidence/sniff";
import { roleAtLeast } from "@/lib/gate";
import type { SignOffInput } from "@/lib/validation/signoff";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";
import { findManualItemFor, standingRejections } from "./manual-item";

export type EvidenceUpload = { name: string; bytes: Uint8Array };

export const STALE_ITEM_MESSAGE = "someone signed off or revoked this item since you loaded the page";

export type EvidenceFileView = { id: string; filename: string; contentType: string; size: number; sha256: string };

export async function signOffItem(
  ctx: ServerContext,
  projectSlug: string,
  version: string,
  itemKey: string,
  input: SignOffInput,
  upload: EvidenceUpload | null = null,
) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "signoff:write");
  const release = await findRelease(project.id, version);
  const { row, item, user, role } = await findManualItemFor(ctx.principal, project, release, itemKey, input.environment);
  if (item.noSelfApproval && release.createdById === user.user.id) {
    throw new AppError("forbidden", "you created this release, and this item must be approved by someone else");
  }
  const hasEvidence = Boolean(input.evidenceUrl || upload);
  if (item.evidence === "required" && !hasEvidence) {
    throw new AppError("validation_failed", `"${item.title}" needs evidence: attach a file (PNG, JPEG, PDF, HAR or JSON) or give a link`, [
      { path: "evidenceUrl", message: "a link or a file is required for this item" },
    ]);
  }
  if (item.evidence === "none" && hasEvidence) {
    throw new AppError("validation_failed", `"${item.title}" takes no evidence; sign it off with a comment only`, [
      { path: input.evidenceUrl ? "evidenceUrl" : "file", message: "this item takes no evidence" },
    ]);
  }
  // Judged by content before anything is written: a refused file leaves no trace.
  const checked = upload ? checkEvidenceFile(upload.bytes, upload.name) : null;

  return db().$transaction(async (tx) => {
    // Takes the item's row lock and bumps its version: concurrent sign-offs of one item queue
    // here, and each sees what the one before it did.
    const bumped = await tx.$queryRaw<{ version: number }[]>`
      UPDATE "ReleaseItem" SET version = version + 1 WHERE id = ${row.id}::uuid RETURNING version`;
    const seen = bumped[0]!.version - 1;
    if (input.expectedVersion !== undefined && input.expectedVersion !== seen) {
      throw new AppError("conflict", STALE_ITEM_MESSAGE, [{ path: "expectedVersion", message: `the item is at version ${seen}, not ${input.expectedVersion}` }]);
    }
    if (item.steps.length > 0) {
      const ticked = await tx.stepTick.count({ where: { itemId: row.id, environment: input.environment, commitSha: release.commitSha } });
      if (ticked < item.steps.length) {
        throw new AppError("validation_failed", `tick every step first: ${ticked} of ${item.steps.length} ticked for ${input.environment}`);
      }
    }
    const live = await tx.signOff.findMany({
      where: { itemId: row.id, environment: input.environment, commitSha: release.commitSha, revokedAt: null },
      include: { user: { select: { name: true, email: true } } },
      orderBy: { createdAt: "asc" },
    });
    if (live.some((s) => s.userId === user.user.id)) throw new AppError("conflict", `you already signed off "${item.title}" for ${input.environment}`);
    const counting = live.filter((s) => roleAtLeast(toRoleName(s.role), item.role));
    const approvers = [...new Map(counting.map((s) => [s.userId, s.user.name ?? s.user.email])).values()];
    // A standing rejection is answered by a new sign-off, however many came before it.
    const rejected = (await standingRejections(tx, row.id, input.environment, release.commitSha, item.role)).length > 0;
    if (approvers.length >= item.approvals && !rejected) {
      throw new AppError("conflict", `"${item.title}" is already signed off by ${approvers.join(", ")} for ${input.environment}`);
    }

    let evidence: EvidenceFileView | null = null;
    if (upload && checked) {
      const sha256 = createHash("sha256").update(upload.bytes).digest("hex");
      const stored = await tx.evidence.create({
        data: {
          releaseId: release.id,
          filename: checked.filename,
          contentType: checked.contentType,
          size: upload.bytes.length,
          sha256,
          data: upload.bytes as Uint8Array<ArrayBuffer>,
          uploadedBy: principalLabel(ctx.principal),
        },
        select: { id: true, filename: true, contentType: true, size: true, sha256: true },
      });
      evidence = stored;
    }
    const signOff = await tx.signOff.create({
      data: {
        releaseId: release.id,
        itemId: row.id,
        userId: user.user.id,
        role: toDbRole(role),
        environment: input.environment,
        commitSha: release.commitSha,
        comment: input.comment ?? null,
        evidenceUrl: input.evidenceUrl ?? null,
        evidenceId: evidence?.id ?? null,
      },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "signoff.created",
      targetType: "item",
      targetId: row.key,
      after: {
        signOff: signOff.id,
        environment: input.environment,
        commit: release.commitSha,
        role,
        comment: input.comment ?? null,
        evidenceUrl: input.evidenceUrl ?? null,
        evidence,
        itemVersion: seen + 1,
      },
    });
    return {
      id: signOff.id,
      item: row.key,
      environment: input.environment,
      commit: release.commitSha,
      role,
      createdAt: signOff.createdAt.toISOString(),
      itemVersion: seen + 1,
      evidenceUrl: signOff.evidenceUrl,
      evidence,
    };
  });
}

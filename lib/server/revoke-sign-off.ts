// Withdrawing a sign-off: it stays on record, marked revoked with who, when and why.
import { authorize, roleIn } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { roleAtLeast } from "@/lib/gate";
import type { RevokeSignOffInput } from "@/lib/validation/signoff";
import { recordAudit } from "./audit";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";

export async function revokeSignOff(ctx: ServerContext, projectSlug: string, version: string, signOffId: string, input: RevokeSignOffInput) {
  const { principal } = ctx;
  const project = await findProject(projectSlug);
  authorize(principal, project, "signoff:write");
  if (principal.kind !== "user") throw new AppError("forbidden", "only a person can revoke a sign-off");
  const release = await findRelease(project.id, version);
  if (!/^[0-9a-f-]{36}$/i.test(signOffId)) throw new AppError("not_found", "sign-off not found");

  return db().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "SignOff" WHERE id = ${signOffId}::uuid AND "releaseId" = ${release.id}::uuid FOR UPDATE`;
    if (rows.length === 0) throw new AppError("not_found", "sign-off not found");
    const signOff = await tx.signOff.findUniqueOrThrow({ where: { id: signOffId }, include: { item: true } });
    if (signOff.revokedAt) throw new AppError("conflict", "this sign-off was already revoked");
    const role = roleIn(principal, project.id)!;
    // People take back their own word; release managers may withdraw anyone's.
    if (signOff.userId !== principal.user.id && !roleAtLeast(role, "release-manager")) {
      throw new AppError("forbidden", "only the signer or a release-manager can revoke this sign-off");
    }
    // A revocation changes the item as much as a sign-off: pages that loaded it before must reload.
    await tx.$executeRaw`UPDATE "ReleaseItem" SET version = version + 1 WHERE id = ${signOff.itemId}::uuid`;
    const revoked = await tx.signOff.update({
      where: { id: signOffId },
      data: { revokedAt: new Date(), revokedById: principal.user.id, revokeReason: input.reason },
    });
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "signoff.revoked",
      targetType: "item",
      targetId: signOff.item.key,
      before: { signOff: signOff.id, revokedAt: null },
      after: { signOff: signOff.id, revokedAt: revoked.revokedAt!.toISOString(), reason: input.reason },
    });
    return { id: revoked.id, revokedAt: revoked.revokedAt!.toISOString() };
  });
}

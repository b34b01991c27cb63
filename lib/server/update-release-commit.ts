// A rebuild: the release now stands for another commit. Sign-offs and results for the old commit
// stay on record but stop counting (the gate reads only the current commit's), and overrides,
// which were a judgement about the old build, are lifted.
import { authorize } from "@/lib/auth/permissions";
import { principalLabel } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import type { UpdateReleaseInput } from "@/lib/validation/release";
import { recordAudit } from "./audit";
import { resolveCommit } from "./commit";
import type { ServerContext } from "./context";
import { findProject, findRelease } from "./lookup";

export type ReleaseUpdated = {
  version: string;
  commit: string;
  previousCommit: string;
  changed: boolean;
  status: string;
  /** Sign-offs (not revoked) made for another commit: shown greyed, no longer counted. */
  staleSignOffs: number;
  /** Overrides lifted because they were given for the old build. */
  liftedOverrides: number;
};

export async function updateReleaseCommit(ctx: ServerContext, projectSlug: string, version: string, input: UpdateReleaseInput): Promise<ReleaseUpdated> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:write");
  const found = await findRelease(project.id, version);

  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Release" WHERE id = ${found.id}::uuid FOR UPDATE`;
    const release = await tx.release.findUniqueOrThrow({ where: { id: found.id } });
    // A short SHA that is a prefix of the current commit means the current commit.
    const commit = resolveCommit(input.commit, release.commitSha);
    const staleCount = (c: string) => tx.signOff.count({ where: { releaseId: release.id, revokedAt: null, commitSha: { not: c } } });
    if (commit === release.commitSha) {
      return { version, commit, previousCommit: commit, changed: false, status: release.status, staleSignOffs: await staleCount(commit), liftedOverrides: 0 };
    }
    const now = new Date();
    const lifted = await tx.gateOverride.updateManyAndReturn({
      where: { releaseId: release.id, liftedAt: null },
      data: { liftedAt: now, liftedBy: principalLabel(ctx.principal) },
      select: { id: true, environment: true },
    });
    // "ready" meant the old build's gate was open; the new build starts over.
    const status = release.status === "ready" ? "in_progress" : release.status;
    await tx.release.update({ where: { id: release.id }, data: { commitSha: commit, status } });
    const staleSignOffs = await staleCount(commit);
    await recordAudit(tx, ctx, {
      projectId: project.id,
      releaseId: release.id,
      action: "release.commit_changed",
      targetType: "release",
      targetId: release.id,
      before: { commit: release.commitSha, status: release.status },
      after: { commit, status, staleSignOffs, liftedOverrides: lifted.map((o) => ({ override: o.id, environment: o.environment })) },
    });
    return { version, commit, previousCommit: release.commitSha, changed: true, status, staleSignOffs, liftedOverrides: lifted.length };
  });
}

// Finding a manual item that the caller may act on (sign off, tick steps) for an environment.
import { roleIn } from "@/lib/auth/permissions";
import type { Principal, UserPrincipal } from "@/lib/auth/principal";
import { toRoleName } from "@/lib/auth/roles";
import { db, type Tx } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { roleAtLeast } from "@/lib/gate";
import type { ManualItem, RoleName } from "@/lib/templates/schema";
import { assertEnvironment } from "./environments";
import { toGateItem } from "./snapshot";

type ProjectWithEnvironments = { id: string; slug: string; environments: { name: string }[] };

export async function findManualItemFor(
  principal: Principal,
  project: ProjectWithEnvironments,
  release: { id: string; version: string; commitSha: string },
  itemKey: string,
  environment: string,
): Promise<{ row: { id: string; key: string }; item: ManualItem; user: UserPrincipal; role: RoleName }> {
  if (principal.kind !== "user") throw new AppError("forbidden", "only a person can do this");
  assertEnvironment(project, environment);
  // PostgreSQL text cannot hold NUL: such a key cannot exist.
  const row = itemKey.includes("\u0000") ? null : await db().releaseItem.findUnique({ where: { releaseId_key: { releaseId: release.id, key: itemKey } } });
  if (!row) throw new AppError("not_found", `item "${itemKey}" not found in release ${release.version}`);
  const item = toGateItem(row);
  if (item.kind !== "manual") throw new AppError("validation_failed", `item "${itemKey}" is a ${item.kind} item; only manual items are signed off`);
  if (item.verifyOn !== undefined && item.verifyOn !== environment) {
    throw new AppError("validation_failed", `"${item.title}" is done on ${item.verifyOn} after its deploy there: sign it off for ${item.verifyOn}, once`, [
      { path: "environment", message: `must be ${item.verifyOn}` },
    ]);
  }
  if (item.verifyOn === undefined && item.environments.length > 0 && !item.environments.includes(environment)) {
    throw new AppError("validation_failed", `item "${itemKey}" does not apply to ${environment}`);
  }
  const role = roleIn(principal, project.id)!;
  if (!roleAtLeast(role, item.role)) throw new AppError("forbidden", `"${item.title}" needs ${item.role}; you are ${role}`);
  if (item.verifyOn !== undefined) {
    // The work happens on the deployed release: its deploy there comes first.
    const deployed = await db().deployment.findFirst({ where: { releaseId: release.id, environment, commitSha: release.commitSha }, select: { id: true } });
    if (!deployed) {
      throw new AppError("conflict", `"${item.title}" is verified on ${environment} after deploying there: record the deploy of ${release.commitSha.slice(0, 7)} to ${environment} first`);
    }
  }
  return { row, item, user: principal, role };
}

/**
 * The rejections of an item for an environment and commit that still stand: no sign-off that
 * counts (not revoked, role enough) was given after them. The gate decides the same way
 * (docs/templates.md, "A rejection"); this is for refusing or allowing actions, not for the gate.
 */
export async function standingRejections(tx: Tx, itemId: string, environment: string, commitSha: string, least: RoleName) {
  const rejections = await tx.rejection.findMany({ where: { itemId, environment, commitSha }, orderBy: { createdAt: "asc" } });
  if (rejections.length === 0) return [];
  const signOffs = await tx.signOff.findMany({ where: { itemId, environment, commitSha, revokedAt: null }, select: { role: true, createdAt: true } });
  const counting = signOffs.filter((s) => roleAtLeast(toRoleName(s.role), least));
  return rejections.filter((r) => !counting.some((s) => s.createdAt.getTime() > r.createdAt.getTime()));
}

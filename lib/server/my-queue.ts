// "My queue": across the projects I belong to, the manual items I can sign now: those assigned to me
// first, then oldest first.
// It reads the stored gates (gate-state.ts): an item is in the queue when it blocks a gate for
// want of sign-offs (or has only sign-offs for an older commit, or stands rejected), my role is enough for it, I have
// not signed it for this commit and environment, and it can be signed now (a `verifyOn` item only
// after the commit's deploy there).
import { roleIn } from "@/lib/auth/permissions";
import type { UserPrincipal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { roleAtLeast } from "@/lib/gate/roles";
import type { RoleName } from "@/lib/templates/schema";
import { currentHealth } from "./gate-state";
import { toGateItem } from "./snapshot";

export type QueueEntry = {
  project: string;
  projectName: string;
  release: string;
  /** Where the sign-off is given (a `verifyOn` item's environment, else the gate's). */
  environment: string;
  /** The gates it holds closed (for a `verifyOn` item, the environments after it). */
  blocks: string[];
  item: string;
  title: string;
  role: RoleName;
  /** What the gate says about it, e.g. "needs 1 more sign-off from release-manager". */
  detail: string;
  /** Since when it could be signed: the release's creation, or the commit's deploy for a `verifyOn` item. */
  waitingSince: string;
  /** The release page, on the environment's tab, at the item. */
  path: string;
  /** A release manager assigned the item to me: it comes first. */
  assignedToYou: boolean;
};

/** In-flight releases looked at per project: as the overview shows them. */
const RECENT_RELEASES = 10;
// A rejected item is answered by a new sign-off, so it waits for the people who can give one.
const SIGNABLE = new Set(["approvals", "stale", "rejected"]);

export async function getMyQueue(principal: UserPrincipal): Promise<QueueEntry[]> {
  const projects = await db().project.findMany({
    where: { memberships: { some: { userId: principal.user.id } } },
    include: {
      environments: { orderBy: { position: "asc" } },
      releases: { where: { status: { notIn: ["abandoned", "rolled_back"] } }, orderBy: { createdAt: "desc" }, take: RECENT_RELEASES },
    },
  });
  const releases = projects.flatMap((p) => p.releases);
  if (releases.length === 0) return [];
  const environmentsOf = new Map(projects.map((p) => [p.id, p.environments.map((e) => e.name)]));
  const health = await currentHealth(releases, (r) => environmentsOf.get(r.projectId)!);
  const releaseIds = releases.map((r) => r.id);
  const [items, mine, deployments] = await Promise.all([
    db().releaseItem.findMany({ where: { releaseId: { in: releaseIds }, kind: "manual" }, omit: { renderedInstructions: true } }),
    db().signOff.findMany({ where: { releaseId: { in: releaseIds }, userId: principal.user.id, revokedAt: null }, select: { releaseId: true, itemId: true, environment: true, commitSha: true } }),
    db().deployment.findMany({ where: { releaseId: { in: releaseIds } }, select: { releaseId: true, environment: true, commitSha: true, deployedAt: true } }),
  ]);
  const itemOf = new Map(items.map((row) => [`${row.releaseId}/${row.key}`, { row, gate: toGateItem(row) }]));

  const entries = new Map<string, QueueEntry>();
  for (const project of projects) {
    const role = roleIn(principal, project.id);
    if (!role) continue;
    for (const release of project.releases) {
      for (const gate of health.get(release.id)?.gates ?? []) {
        for (const blocker of gate.blocking) {
          if (!SIGNABLE.has(blocker.reason)) continue;
          const found = itemOf.get(`${release.id}/${blocker.item}`);
          if (!found || found.gate.kind !== "manual" || !roleAtLeast(role, found.gate.role)) continue;
          const signedOn = found.gate.verifyOn ?? gate.environment;
          const signed = mine.some((s) => s.releaseId === release.id && s.itemId === found.row.id && s.environment === signedOn && s.commitSha === release.commitSha);
          if (signed) continue;
          let since = release.createdAt;
          if (found.gate.verifyOn) {
            const deploys = deployments.filter((d) => d.releaseId === release.id && d.environment === signedOn && d.commitSha === release.commitSha);
            // Nothing to verify before the commit runs there.
            if (deploys.length === 0) continue;
            since = deploys.reduce((a, b) => (b.deployedAt < a ? b.deployedAt : a), deploys[0]!.deployedAt);
          }
          const id = `${release.id}/${blocker.item}/${signedOn}`;
          const existing = entries.get(id);
          if (existing) {
            if (!existing.blocks.includes(gate.environment)) existing.blocks.push(gate.environment);
            continue;
          }
          entries.set(id, {
            project: project.slug,
            projectName: project.name,
            release: release.version,
            environment: signedOn,
            blocks: [gate.environment],
            item: blocker.item,
            title: blocker.title,
            role: found.gate.role,
            detail: blocker.detail,
            waitingSince: since.toISOString(),
            path: `/projects/${encodeURIComponent(project.slug)}/releases/${encodeURIComponent(release.version)}?env=${encodeURIComponent(signedOn)}#item-${blocker.item}`,
            assignedToYou: found.row.assigneeId === principal.user.id,
          });
        }
      }
    }
  }
  return [...entries.values()].sort((a, b) => Number(b.assignedToYou) - Number(a.assignedToYou) || a.waitingSince.localeCompare(b.waitingSince) || a.project.localeCompare(b.project) || a.release.localeCompare(b.release));
}

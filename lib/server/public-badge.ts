// The public badge: a key (no session, no token) names a project; the badge says only what the
// gate is (open, closed, overridden). Every miss (key, release, environment) is the same 404, so
// the answer does not tell a wrong key from a wrong release of a real project.
import { badgeKeyMatches, hashBadgeKey, isBadgeKeyShaped } from "@/lib/badge/public-key";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { releaseHealth } from "./gate-state";
import { holdsNul } from "./lookup";

export type PublicGateState = "open" | "closed" | "overridden";

const NOT_FOUND = () => new AppError("not_found", "no such badge: check the badge key, the release and the environment in the address");

export async function publicGateState(key: string, releaseName: string, environment: string): Promise<PublicGateState> {
  // Hashed whatever its shape, so a malformed key costs the same as a well-formed wrong one.
  const hash = hashBadgeKey(key);
  const row = await db().badgeKey.findUnique({ where: { keyHash: hash } });
  if (!row || !isBadgeKeyShaped(key) || !badgeKeyMatches(key, row.keyHash)) throw NOT_FOUND();
  if (holdsNul(releaseName) || holdsNul(environment)) throw NOT_FOUND();

  const project = await db().project.findUnique({ where: { id: row.projectId }, include: { environments: { orderBy: { position: "asc" } } } });
  const environments = project?.environments.map((e) => e.name) ?? [];
  if (!project || !environments.includes(environment)) throw NOT_FOUND();
  const release =
    releaseName === "latest"
      ? await db().release.findFirst({ where: { projectId: project.id, status: { not: "abandoned" } }, orderBy: { createdAt: "desc" } })
      : await db().release.findUnique({ where: { projectId_version: { projectId: project.id, version: releaseName } } });
  if (!release) throw NOT_FOUND();
  const gate = (await releaseHealth(release, environments)).gates.find((g) => g.environment === environment)!;
  return gate.overridden ? "overridden" : gate.open ? "open" : "closed";
}

// Which release a GitLab deployment ships, and which Shipcheck environment its GitLab environment is.
import type { Release } from "@/generated/prisma/client";
import { db } from "@/lib/db/client";

/**
 * The newest release of the project (not abandoned) built from this commit. Either side may be a
 * short SHA: a release created with a prefix of the full SHA counts, and so does a full release
 * SHA when GitLab only gave its short one.
 */
export async function releaseForCommit(projectId: string, sha: string): Promise<Release | null> {
  const prefixes = [sha];
  for (let length = 7; length < sha.length; length++) prefixes.push(sha.slice(0, length));
  return db().release.findFirst({
    where: { projectId, status: { not: "abandoned" }, OR: [{ commitSha: { in: prefixes } }, { commitSha: { startsWith: sha } }] },
    orderBy: { createdAt: "desc" },
  });
}

/** The Shipcheck environment of the same name (any case), else the one named like GitLab's tier. */
export function environmentFor(environments: string[], gitlabEnvironment: string, tier: string | null | undefined): string | null {
  const byName = environments.find((e) => e === gitlabEnvironment) ?? environments.find((e) => e.toLowerCase() === gitlabEnvironment.toLowerCase());
  if (byName) return byName;
  return tier ? (environments.find((e) => e.toLowerCase() === tier.toLowerCase()) ?? null) : null;
}

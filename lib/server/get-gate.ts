// "May this release go to this environment?" for the API, the badge and the CLI.
import { authorize } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import type { Blocker } from "@/lib/gate";
import { entityTag } from "@/lib/http/etag";
import type { ServerContext } from "./context";
import { releaseHealth } from "./gate-state";
import { findProject, findRelease } from "./lookup";
import { readBeforeGate } from "./read-prometheus";

export type GateReport = {
  release: string;
  environment: string;
  open: boolean;
  overridden: boolean;
  blocking: Blocker[];
};

/** The gate, and a tag that changes whenever the gate could (for If-None-Match). */
export async function getGate(ctx: ServerContext, projectSlug: string, version: string, environment: string): Promise<{ report: GateReport; etag: string }> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "release:read");
  const release = await findRelease(project.id, version);
  const environments = project.environments.map((e) => e.name);
  if (!environments.includes(environment)) {
    throw new AppError(
      "validation_failed",
      `unknown environment "${environment}"; this project has ${environments.join(", ")}`,
    );
  }
  // Query items' readings first, when due: the gate then judges stored values only.
  await readBeforeGate(release, project, environments, ctx);
  // Stored with the revision it was evaluated at; evaluated again when anything changed since.
  const health = await releaseHealth(release, environments);
  const decision = health.gates.find((g) => g.environment === environment)!;
  return {
    report: { release: release.version, environment, open: decision.open, overridden: decision.overridden, blocking: decision.blocking },
    etag: entityTag("gate", release.id, health.revision, environment, environments.join(",")),
  };
}

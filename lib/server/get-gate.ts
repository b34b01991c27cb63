// "May this release go to this environment?" for the API, the badge and the CLI.
import { authorize } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { evaluateGate, type Blocker } from "@/lib/gate";
import type { ServerContext } from "./context";
import { loadGateInput } from "./load-gate-input";
import { findProject, findRelease } from "./lookup";

export type GateReport = {
  release: string;
  environment: string;
  open: boolean;
  overridden: boolean;
  blocking: Blocker[];
};

export async function getGate(ctx: ServerContext, projectSlug: string, version: string, environment: string): Promise<GateReport> {
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
  const { input } = await loadGateInput(release, environments);
  const decision = evaluateGate(input, environment);
  return { release: release.version, environment, open: decision.open, overridden: decision.overridden, blocking: decision.blocking };
}

// Every environment's gate for a release, and where a rollback is recommended, as lists and the
// overview show them.
import type { Release } from "@/generated/prisma/client";
import { adviseRollback, evaluateGate, type GateDecision } from "@/lib/gate";
import { db } from "@/lib/db/client";
import { timeGate } from "@/lib/metrics/registry";
import { loadGateInput } from "./load-gate-input";
import { settledBy } from "./rollback-decision";

export type ReleaseHealth = { gates: GateDecision[]; rollbackRecommended: string[] };

export async function healthOf(release: Release, environments: string[]): Promise<ReleaseHealth> {
  const { input, deployments } = await loadGateInput(release, environments);
  // Once a release manager decided (rolled back, or kept it), the recommendation is answered.
  const decisions = deployments.length ? await db().rollbackDecision.findMany({ where: { releaseId: release.id } }) : [];
  const settled = settledBy(decisions, deployments);
  return {
    gates: timeGate(() => environments.map((e) => evaluateGate(input, e))),
    rollbackRecommended: environments.filter((e) => !settled.has(e) && adviseRollback(input, e).recommended),
  };
}

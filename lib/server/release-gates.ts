// Every environment's gate for a release, and where a rollback is recommended, as lists and the
// overview show them.
import type { Release } from "@/generated/prisma/client";
import { adviseRollback, evaluateGate, type GateDecision } from "@/lib/gate";
import { loadGateInput } from "./load-gate-input";

export type ReleaseHealth = { gates: GateDecision[]; rollbackRecommended: string[] };

export async function healthOf(release: Release, environments: string[]): Promise<ReleaseHealth> {
  const { input } = await loadGateInput(release, environments);
  return {
    gates: environments.map((e) => evaluateGate(input, e)),
    rollbackRecommended: environments.filter((e) => adviseRollback(input, e).recommended),
  };
}

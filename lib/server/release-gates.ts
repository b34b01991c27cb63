// Every environment's gate for a release, as lists and the overview show them.
import type { Release } from "@/generated/prisma/client";
import { evaluateGate, type GateDecision } from "@/lib/gate";
import { loadGateInput } from "./load-gate-input";

export async function gatesOf(release: Release, environments: string[]): Promise<GateDecision[]> {
  const { input } = await loadGateInput(release, environments);
  return environments.map((e) => evaluateGate(input, e));
}

"use server";
// Release page actions. Same validation and use cases as the API; Next.js checks the Origin of
// server-action requests (runAction refuses one without Origin), and every use case checks
// permissions again on the server.
import { headers } from "next/headers";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { clientAddressFrom } from "@/lib/http/client-address";
import { requestIdFrom } from "@/lib/http/request-id";
import { assignItem, unassignItem } from "@/lib/server/assign-item";
import { liftOverride, overrideGate } from "@/lib/server/gate-override";
import { recordDeployment } from "@/lib/server/record-deployment";
import { rejectItem } from "@/lib/server/reject-item";
import { revokeSignOff } from "@/lib/server/revoke-sign-off";
import { recordRollbackDecision } from "@/lib/server/rollback-decision";
import { signOffItem } from "@/lib/server/sign-off-item";
import { tickStep } from "@/lib/server/tick-step";
import { deploymentInputSchema } from "@/lib/validation/deployment";
import { gateOverrideInputSchema, rollbackDecisionInputSchema } from "@/lib/validation/release";
import { assignItemInputSchema, rejectItemInputSchema, revokeSignOffInputSchema, signOffInputSchema, tickStepInputSchema } from "@/lib/validation/signoff";

async function context() {
  const principal = await requireUser();
  const h = await headers();
  return { principal, requestId: requestIdFrom(h.get("x-request-id")), ip: clientAddressFrom(h) };
}

/** Sign-offs without a file; with a file the page posts multipart/form-data to the API (same use case). */
export async function signOffAction(
  project: string,
  version: string,
  itemKey: string,
  form: { environment: string; comment?: string; evidenceUrl?: string; expectedVersion?: number },
): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const input = signOffInputSchema.parse(form);
    const signOff = await signOffItem(await context(), project, version, itemKey, input);
    return { id: signOff.id };
  });
}

export async function revokeSignOffAction(project: string, version: string, signOffId: string, form: { reason: string }): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const input = revokeSignOffInputSchema.parse(form);
    const revoked = await revokeSignOff(await context(), project, version, signOffId, input);
    return { id: revoked.id };
  });
}

export async function rejectItemAction(
  project: string,
  version: string,
  itemKey: string,
  form: { environment: string; reason: string; expectedVersion?: number },
): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const input = rejectItemInputSchema.parse(form);
    const rejection = await rejectItem(await context(), project, version, itemKey, input);
    return { id: rejection.id };
  });
}

export async function assignItemAction(project: string, version: string, itemKey: string, form: { userId: string }): Promise<ActionResult<{ userId: string | null }>> {
  return runAction(async () => {
    const input = assignItemInputSchema.parse(form);
    const assignment = await assignItem(await context(), project, version, itemKey, input);
    return { userId: assignment.assignee?.userId ?? null };
  });
}

export async function unassignItemAction(project: string, version: string, itemKey: string): Promise<ActionResult<{ userId: string | null }>> {
  return runAction(async () => {
    await unassignItem(await context(), project, version, itemKey);
    return { userId: null };
  });
}

export async function tickStepAction(project: string, version: string, itemKey: string, form: { environment: string; step: number; done: boolean }): Promise<ActionResult<{ done: boolean }>> {
  return runAction(async () => {
    const input = tickStepInputSchema.parse(form);
    const outcome = await tickStep(await context(), project, version, itemKey, input);
    return { done: outcome.done };
  });
}

export async function recordDeploymentAction(project: string, version: string, form: { environment: string }): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const input = deploymentInputSchema.parse(form);
    const deployment = await recordDeployment(await context(), project, version, input.environment);
    return { id: deployment.id };
  });
}

export async function overrideGateAction(project: string, version: string, form: { environment: string; reason: string }): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const input = gateOverrideInputSchema.parse(form);
    const override = await overrideGate(await context(), project, version, input);
    return { id: override.id };
  });
}

export async function liftOverrideAction(project: string, version: string, overrideId: string): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const lifted = await liftOverride(await context(), project, version, overrideId);
    return { id: lifted.id };
  });
}

export async function rollbackDecisionAction(
  project: string,
  version: string,
  form: { environment: string; decision: string; toVersion?: string; reason: string },
): Promise<ActionResult<{ id: string }>> {
  return runAction(async () => {
    const input = rollbackDecisionInputSchema.parse({ ...form, toVersion: form.toVersion || undefined });
    const decision = await recordRollbackDecision(await context(), project, version, input);
    return { id: decision.id };
  });
}

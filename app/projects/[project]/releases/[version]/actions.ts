"use server";
// Release page actions. Same validation and use cases as the API; Next.js checks the Origin of
// server-action requests, and every use case checks permissions again on the server.
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { requireUser } from "@/lib/auth/session";
import { runAction, type ActionResult } from "@/lib/http/action-result";
import { revokeSignOff } from "@/lib/server/revoke-sign-off";
import { signOffItem } from "@/lib/server/sign-off-item";
import { tickStep } from "@/lib/server/tick-step";
import { revokeSignOffInputSchema, signOffInputSchema, tickStepInputSchema } from "@/lib/validation/signoff";

async function context() {
  const principal = await requireUser();
  const h = await headers();
  return { principal, requestId: randomUUID(), ip: h.get("x-forwarded-for")?.split(",")[0]?.trim() ?? null };
}

export async function signOffAction(project: string, version: string, itemKey: string, form: { environment: string; comment?: string }): Promise<ActionResult<{ id: string }>> {
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

export async function tickStepAction(project: string, version: string, itemKey: string, form: { environment: string; step: number; done: boolean }): Promise<ActionResult<{ done: boolean }>> {
  return runAction(async () => {
    const input = tickStepInputSchema.parse(form);
    const outcome = await tickStep(await context(), project, version, itemKey, input);
    return { done: outcome.done };
  });
}

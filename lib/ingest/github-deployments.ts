// GitHub deployment events -> what Shipcheck needs of them. Pure: no database, no network.
//   deployment_protection_rule (requested): the environment, the commit, where to answer, the App's installation
//   deployment_status (created, state success): a deploy of the commit to the environment
// The GitHub environment is the Shipcheck environment of the same name.
import { z } from "zod";

const sha = z
  .string()
  .regex(/^[0-9a-fA-F]{7,64}$/, "a commit SHA is 7 to 64 hexadecimal characters")
  .transform((s) => s.toLowerCase());
const installation = z.object({ id: z.union([z.number().int().positive(), z.string().regex(/^\d{1,20}$/)]).transform(String) }).loose();

export const protectionRulePayload = z
  .object({
    action: z.string(),
    environment: z.string().min(1).max(255),
    deployment_callback_url: z.string().min(1).max(2000),
    deployment: z.object({ sha }).loose(),
    installation: installation.nullish(),
  })
  .loose();

export type ProtectionRuleRequest = { environment: string; sha: string; callbackUrl: string; installationId: string | null };

export function protectionRuleRequest(payload: unknown): ProtectionRuleRequest {
  const p = protectionRulePayload.parse(payload);
  return { environment: p.environment, sha: p.deployment.sha, callbackUrl: p.deployment_callback_url, installationId: p.installation?.id ?? null };
}

const deploymentStatusPayload = z
  .object({
    deployment_status: z.object({ id: z.union([z.number(), z.string()]).transform(String), state: z.string(), environment: z.string().nullish() }).loose(),
    deployment: z.object({ sha, environment: z.string().min(1).max(255) }).loose(),
  })
  .loose();

export type DeploymentRecord = { environment: string; sha: string; statusId: string } | { ignored: string };

export function deploymentOf(payload: unknown): DeploymentRecord {
  const action = typeof (payload as { action?: unknown })?.action === "string" ? (payload as { action: string }).action : null;
  if (action !== "created") return { ignored: `deployment_status action "${action ?? "(none)"}" is not "created"` };
  const p = deploymentStatusPayload.parse(payload);
  if (p.deployment_status.state !== "success") return { ignored: `deployment_status state "${p.deployment_status.state}" is not "success"` };
  // The status may name the environment it ended in; else the deployment's.
  return { environment: p.deployment_status.environment || p.deployment.environment, sha: p.deployment.sha, statusId: p.deployment_status.id };
}

/** `installation.id` of any event an App receives, or null. */
export function installationOf(payload: unknown): string | null {
  const parsed = z.object({ installation: installation }).loose().safeParse(payload);
  return parsed.success ? parsed.data.installation.id : null;
}

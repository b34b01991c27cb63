// GitLab's Deployment Hook as Shipcheck reads it: only the fields it needs, everything else let
// through (GitLab adds fields between versions). The documented payload has no full `sha`: the
// commit is the last part of `commit_url`, or else `short_sha` (a prefix, matched like one).
import { z } from "zod";
import { AppError } from "@/lib/errors";

export const DEPLOYMENT_HOOK = "Deployment Hook";

const sha = z.string().regex(/^[0-9a-f]{7,64}$/i, "a commit SHA in hex");

export const deploymentHookSchema = z.looseObject({
  object_kind: z.literal("deployment"),
  /** created, running, success, failed, canceled, skipped, blocked (waiting for approval); approved/rejected for an approval. */
  status: z.string().min(1).max(40),
  deployment_id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  environment: z.string().min(1).max(255),
  environment_tier: z.string().max(40).nullish(),
  short_sha: sha.nullish(),
  commit_url: z.string().max(2000).nullish(),
  /** Not in GitLab's documented payload; read when a sender includes it. */
  sha: sha.nullish(),
  status_changed_at: z.string().max(100).nullish(),
  project: z.looseObject({ id: z.number().int().positive().max(2 ** 31 - 1) }),
});

export type DeploymentHook = z.infer<typeof deploymentHookSchema>;

/** Only the project id, read before the token is checked: it says which links to check against. */
export function gitlabProjectIdOf(value: unknown): number {
  const parsed = z.object({ project: z.object({ id: z.number().int().positive().max(2 ** 31 - 1) }) }).safeParse(value);
  if (!parsed.success) throw new AppError("bad_request", "the payload has no project.id: send GitLab's webhook body as it is");
  return parsed.data.project.id;
}

export function parseDeploymentHook(value: unknown): DeploymentHook {
  const parsed = deploymentHookSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      "bad_request",
      "the body is not a GitLab Deployment Hook payload",
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  return parsed.data;
}

/** The deployment's commit: the full SHA from `commit_url` when it ends in one, else `sha`, else `short_sha`. */
export function commitOf(hook: DeploymentHook): string | null {
  const fromUrl = /\/commit\/([0-9a-f]{40}|[0-9a-f]{64})\/?$/i.exec(hook.commit_url ?? "")?.[1];
  return (fromUrl ?? hook.sha ?? hook.short_sha ?? null)?.toLowerCase() ?? null;
}

// Release- and project-level decisions: a rebuild's new commit, gate overrides, deploy locks and
// rollback decisions. Shared by the API and the pages' server actions.
import { z } from "zod";
import { commitSha, environmentName, freeText, releaseVersion } from "./common";

/** Free text a person writes as a reason: trimmed, NUL-free, between `min` and `max` characters. */
const reasonText = (min: number, max: number, message: string) =>
  freeText(max)
    .transform((r) => r.trim())
    .pipe(z.string().min(min, message));

export const updateReleaseSchema = z
  .object({ commit: commitSha.meta({ description: "The new build's commit: earlier sign-offs and results become stale." }) })
  .strict();

export const gateOverrideInputSchema = z
  .object({
    environment: environmentName,
    reason: reasonText(10, 2_000, "write why the gate is overridden (at least 10 characters)"),
  })
  .strict();

export const projectLockInputSchema = z
  .object({ reason: reasonText(3, 1_000, "say why deploys are locked (at least 3 characters)") })
  .strict();

export const rollbackDecisionInputSchema = z
  .object({
    environment: environmentName,
    decision: z.enum(["rolled_back", "keep"]),
    toVersion: releaseVersion.optional().meta({ description: "The release rolled back to (required for `rolled_back`, not allowed for `keep`)." }),
    reason: reasonText(3, 2_000, "say why (at least 3 characters)"),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.decision === "rolled_back" && !input.toVersion) {
      ctx.addIssue({ code: "custom", path: ["toVersion"], message: "name the release you rolled back to" });
    }
    if (input.decision === "keep" && input.toVersion) {
      ctx.addIssue({ code: "custom", path: ["toVersion"], message: "only a rollback names a version to go back to" });
    }
  });

export type UpdateReleaseInput = z.infer<typeof updateReleaseSchema>;
export type GateOverrideInput = z.infer<typeof gateOverrideInputSchema>;
export type ProjectLockInput = z.infer<typeof projectLockInputSchema>;
export type RollbackDecisionInput = z.infer<typeof rollbackDecisionInputSchema>;

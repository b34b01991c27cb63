// Sign-off and revocation input, shared by the release page's form and the API.
import { z } from "zod";
import { environmentName, freeText, httpUrl } from "./common";

export const signOffInputSchema = z
  .object({
    environment: environmentName,
    comment: freeText(5_000).optional().transform((c) => (c?.trim() ? c.trim() : undefined)),
    /** Evidence as a link (http or https only); an uploaded file comes as multipart `file` instead. */
    evidenceUrl: z
      .string()
      .optional()
      .transform((u) => (u?.trim() ? u.trim() : undefined))
      .pipe(httpUrl.optional())
      .meta({ description: "A link to the evidence (http or https only): a screenshot, a dashboard, a CI run." }),
    /** The item's `version` as the caller last saw it; a sign-off or revocation since then makes this 409. */
    expectedVersion: z
      .number()
      .int()
      .min(0)
      .max(2_147_483_647)
      .optional()
      .meta({ description: "The item's `version` from GET /releases/{version}: if someone signed off or revoked since, the sign-off is refused with 409." }),
  })
  .strict();

export const revokeSignOffInputSchema = z
  .object({
    reason: freeText(2_000).transform((r) => r.trim()).pipe(z.string().min(1, "say why the sign-off is revoked")),
  })
  .strict();

/** The most a rejection's reason may say: the dialog shows it in words. */
export const REJECTION_REASON_MAX = 2_000;

export const rejectItemInputSchema = z
  .object({
    environment: environmentName,
    reason: z
      .string({ error: "say why the item is rejected" })
      .max(REJECTION_REASON_MAX, `the reason can be at most ${REJECTION_REASON_MAX.toLocaleString("en")} characters`)
      .transform((r) => r.replaceAll("\u0000", "\uFFFD").trim())
      .pipe(z.string().min(1, "say why the item is rejected"))
      .meta({ description: "Why the item is not good enough, kept on the item and in the audit trail." }),
    expectedVersion: signOffInputSchema.shape.expectedVersion,
  })
  .strict();

export const assignItemInputSchema = z
  .object({
    userId: z.uuid("the assignee is given by their user id").meta({ description: "A member of the project who may sign the item (see `signers` on the item)." }),
  })
  .strict();

export type RejectItemInput = z.infer<typeof rejectItemInputSchema>;
export type AssignItemInput = z.infer<typeof assignItemInputSchema>;
export type SignOffInput = z.infer<typeof signOffInputSchema>;
export type RevokeSignOffInput = z.infer<typeof revokeSignOffInputSchema>;

export const tickStepInputSchema = z
  .object({
    environment: environmentName,
    step: z.number().int().min(0).max(1000),
    done: z.boolean(),
  })
  .strict();

export type TickStepInput = z.infer<typeof tickStepInputSchema>;

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

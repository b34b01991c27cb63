// Sign-off and revocation input, shared by the release page's form and the API.
import { z } from "zod";
import { environmentName, freeText } from "./common";

export const signOffInputSchema = z
  .object({
    environment: environmentName,
    comment: freeText(5_000).optional().transform((c) => (c?.trim() ? c.trim() : undefined)),
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

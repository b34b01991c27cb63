// Environment variables, validated once at start-up with messages that name the variable.
import { z } from "zod";
import { KeyFormatError, parsePrivateKey } from "@/lib/audit/signing";
import { parseTrustedProxies, TrustedProxiesError } from "@/lib/http/client-address";

const postgresUrl = z
  .string()
  .url("must be a URL such as postgresql://user:password@host:5432/database")
  .refine((u) => /^postgres(ql)?:\/\//.test(u), "must start with postgresql:// or postgres://");

export const serverEnvSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  SHIPCHECK_APP_DATABASE_URL: postgresUrl.optional(),
  PORT: z.coerce.number().int("must be a whole number").min(1).max(65_535).default(3000),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (e.g. `openssl rand -hex 32`)").optional(),
  NEXTAUTH_URL: z.string().url("must be the public URL of Shipcheck, e.g. http://localhost:3000").optional(),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  // The audit signing key (docs/audit.md); unset: generated into .data/audit-signing-key.pem.
  SHIPCHECK_AUDIT_SIGNING_KEY: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parsePrivateKey(value);
      } catch (error) {
        if (!(error instanceof KeyFormatError)) throw error;
        ctx.addIssue({ code: "custom", message: `must be an Ed25519 private key, PKCS#8 PEM or its base64 DER (e.g. \`openssl genpkey -algorithm ed25519\`): ${error.message}` });
      }
    })
    .optional(),
  // Proxies whose X-Forwarded-For is believed (lib/http/client-address.ts); unset: none.
  SHIPCHECK_TRUSTED_PROXIES: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseTrustedProxies(value);
      } catch (error) {
        if (!(error instanceof TrustedProxiesError)) throw error;
        ctx.addIssue({ code: "custom", message: error.message.replace(/^SHIPCHECK_TRUSTED_PROXIES: /, "") });
      }
    })
    .optional(),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

export class EnvError extends Error {}

export function readServerEnv(source: NodeJS.ProcessEnv = process.env): ServerEnv {
  // Empty strings count as unset, as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = serverEnvSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new EnvError(`Invalid environment:\n${lines.join("\n")}`);
}

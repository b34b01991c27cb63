// Input for set-up actions: projects, people, API tokens, releases.
import { z } from "zod";
import { TOKEN_PERMISSIONS } from "@/lib/auth/tokens";
import { ROLES } from "@/lib/templates/schema";
import { commitSha, environmentName, printable, releaseVersion, slug } from "./common";

export const createProjectSchema = z.object({
  slug,
  name: printable(120),
  environments: z
    .array(environmentName)
    .min(1, "a project needs at least one environment")
    .max(20)
    .refine((list) => new Set(list).size === list.length, "environment names must be unique"),
});

export const createUserSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  name: printable(120).optional(),
  password: z.string().min(12, "passwords have at least 12 characters").max(1024).optional(),
  isAdmin: z.boolean().default(false),
  memberships: z.array(z.object({ project: slug, role: z.enum(ROLES) })).default([]),
});

export const createTokenSchema = z.object({
  project: slug,
  name: printable(100),
  permissions: z.array(z.enum(TOKEN_PERMISSIONS)).min(1).default([...TOKEN_PERMISSIONS]),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const createReleaseSchema = z
  .object({
    version: releaseVersion,
    commit: commitSha,
    template: printable(100),
    templateVersion: z.number().int().positive().optional(),
    changedFiles: z
      .array(
        z.union([
          printable(1000).transform((path) => ({ path })),
          z
            .object({
              path: printable(1000),
              lines: z.array(z.object({ from: z.number().int().positive(), to: z.number().int().positive() }).strict()).max(1000).optional(),
            })
            .strict(),
        ]),
      )
      .max(20_000)
      .default([]),
  })
  .strict();

export type CreateProjectInput = z.input<typeof createProjectSchema>;
export type CreateUserInput = z.input<typeof createUserSchema>;
export type CreateTokenInput = z.input<typeof createTokenSchema>;
export type CreateReleaseInput = z.input<typeof createReleaseSchema>;

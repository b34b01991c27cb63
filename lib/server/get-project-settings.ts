// What the project settings page shows: tokens and the GitHub link (never the secret itself).
import { authorize } from "@/lib/auth/permissions";
import type { ServerContext } from "./context";
import { listApiTokens } from "./api-tokens";
import { listMembers } from "./members";
import { findProject } from "./lookup";

export async function getProjectSettings(ctx: ServerContext, projectSlug: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  return {
    project: { slug: project.slug, name: project.name, environments: project.environments.map((e) => e.name) },
    tokens: await listApiTokens(ctx, projectSlug),
    members: await listMembers(ctx, projectSlug),
    github: { repository: project.githubRepository, secretSet: project.githubWebhookSecret !== null },
  };
}

// What the project settings page shows: members, tokens, webhooks with their latest deliveries, the GitHub link and the Prometheus data source (never a secret or token itself).
import { authorize } from "@/lib/auth/permissions";
import type { ServerContext } from "./context";
import { listApiTokens } from "./api-tokens";
import { listGithubDeliveries } from "./github-deliveries";
import { listMembers } from "./members";
import { findProject } from "./lookup";
import { listDeliveries, listWebhooks } from "./webhooks";

export async function getProjectSettings(ctx: ServerContext, projectSlug: string) {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  return {
    project: { slug: project.slug, name: project.name, environments: project.environments.map((e) => e.name) },
    tokens: await listApiTokens(ctx, projectSlug),
    members: await listMembers(ctx, projectSlug),
    webhooks: await Promise.all((await listWebhooks(ctx, projectSlug)).map(async (hook) => ({ ...hook, deliveries: (await listDeliveries(ctx, projectSlug, hook.id)).slice(0, 10) }))),
    email: { enabled: project.emailNotifications, smtpConfigured: Boolean(process.env.SHIPCHECK_SMTP_URL) },
    github: {
      repository: project.githubRepository,
      secretSet: project.githubWebhookSecret !== null,
      appId: project.githubAppId,
      privateKeySet: project.githubAppPrivateKey !== null,
      instanceApp: Boolean(process.env.SHIPCHECK_GITHUB_APP_ID && process.env.SHIPCHECK_GITHUB_APP_PRIVATE_KEY),
      installationId: project.githubInstallationId,
      deliveries: await listGithubDeliveries(project.id),
    },
    prometheus: { url: project.prometheusUrl, bearerTokenSet: project.prometheusBearerToken !== null },
  };
}

// GitLab's published shapes, written from its documentation, for checking what Shipcheck sends
// to GitLab and for building the webhook bodies tests send to Shipcheck:
// - Deployments API, "Approve or reject a blocked deployment" (doc/api/deployments.md):
//   POST /projects/:id/deployments/:deployment_id/approval, authenticated by PRIVATE-TOKEN;
//   `id` integer or URL-encoded path, `deployment_id` integer, `status` required (approved |
//   rejected), `comment` optional string, `represented_as` optional string.
// - Webhook events, "Deployment events" (doc/user/project/integrations/webhook_events.md):
//   X-Gitlab-Event: Deployment Hook, a payload with object_kind "deployment", status,
//   status_changed_at, deployment_id, deployable_id, deployable_url, environment,
//   environment_tier, environment_slug, environment_external_url, project{…}, short_sha, user{…},
//   user_url, commit_url, commit_title. There is no full `sha`: commit_url ends in it.
import { z } from "zod";

export const APPROVAL_PATH = /^\/api\/v4\/projects\/([0-9]+|[^/]+)\/deployments\/([0-9]+)\/approval$/;

export const approvalRequestSchema = z.strictObject({
  status: z.enum(["approved", "rejected"]),
  comment: z.string().optional(),
  represented_as: z.string().optional(),
});

/** The documented 201 answer. */
export function approvalResponse(status: "approved" | "rejected", comment: string | undefined) {
  return {
    user: { id: 7, username: "shipcheck", name: "Shipcheck", state: "active", avatar_url: null, web_url: "http://gitlab.test/shipcheck" },
    status,
    created_at: new Date().toISOString(),
    comment: comment ?? null,
  };
}

const user = z.strictObject({ id: z.number().int(), name: z.string(), username: z.string(), avatar_url: z.string().nullable(), email: z.string() });

export const deploymentHookPayloadSchema = z.strictObject({
  object_kind: z.literal("deployment"),
  status: z.enum(["created", "running", "success", "failed", "canceled", "skipped", "blocked", "approved", "rejected"]),
  status_changed_at: z.string(),
  deployment_id: z.number().int().positive(),
  deployable_id: z.number().int().positive(),
  deployable_url: z.string().nullable(),
  environment: z.string(),
  environment_tier: z.string(),
  environment_slug: z.string(),
  environment_external_url: z.string().nullable(),
  project: z.strictObject({
    id: z.number().int().positive(),
    name: z.string(),
    description: z.string(),
    web_url: z.string(),
    avatar_url: z.string().nullable(),
    git_ssh_url: z.string(),
    git_http_url: z.string(),
    namespace: z.string(),
    visibility_level: z.number().int(),
    path_with_namespace: z.string(),
    default_branch: z.string(),
    ci_config_path: z.string().nullable(),
    homepage: z.string(),
    url: z.string(),
    ssh_url: z.string(),
    http_url: z.string(),
  }),
  short_sha: z.string().regex(/^[0-9a-f]{8}$/),
  user,
  user_url: z.string(),
  commit_url: z.string(),
  commit_title: z.string(),
});

export type DeploymentHookPayload = z.infer<typeof deploymentHookPayloadSchema>;

/** A Deployment Hook body as GitLab documents it, checked against that shape before it is sent. */
export function deploymentHook(options: { gitlabProjectId: number; deploymentId: number; environment: string; sha: string; status?: DeploymentHookPayload["status"]; tier?: string }): DeploymentHookPayload {
  const web = `http://gitlab.test/acme/service`;
  return deploymentHookPayloadSchema.parse({
    object_kind: "deployment",
    status: options.status ?? "blocked",
    status_changed_at: "2026-12-02 01:50:00 +0000",
    deployment_id: options.deploymentId,
    deployable_id: options.deploymentId + 1000,
    deployable_url: `${web}/-/jobs/${options.deploymentId + 1000}`,
    environment: options.environment,
    environment_tier: options.tier ?? options.environment,
    environment_slug: options.environment.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    environment_external_url: null,
    project: {
      id: options.gitlabProjectId,
      name: "service",
      description: "",
      web_url: web,
      avatar_url: null,
      git_ssh_url: "git@gitlab.test:acme/service.git",
      git_http_url: `${web}.git`,
      namespace: "acme",
      visibility_level: 0,
      path_with_namespace: "acme/service",
      default_branch: "main",
      ci_config_path: "",
      homepage: web,
      url: "git@gitlab.test:acme/service.git",
      ssh_url: "git@gitlab.test:acme/service.git",
      http_url: `${web}.git`,
    },
    short_sha: options.sha.slice(0, 8),
    user: { id: 1, name: "Deployer", username: "deployer", avatar_url: null, email: "deployer@example.com" },
    user_url: "http://gitlab.test/deployer",
    commit_url: `${web}/-/commit/${options.sha}`,
    commit_title: "Release",
  });
}

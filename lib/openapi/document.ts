// The OpenAPI 3.1 document served at GET /api/v1/openapi.json. Every schema in it is generated
// from a zod schema: request bodies from the ones the handlers validate with, responses from
// ./responses.ts, which the API tests check real responses against. One table of operations
// (OPERATIONS) is the source for the document and for those tests.
import { z } from "zod";
import { auditTrailSchema, chainTrailSchema, evidencePackSchema, signingKeySchema } from "@/lib/audit/pack";
import { alertmanagerPayloadSchema } from "@/lib/ingest/alertmanager";
import { changePasswordSchema } from "@/lib/validation/account";
import { addMemberSchema, setMemberRoleSchema } from "@/lib/validation/members";
import { prometheusSourceSchema } from "@/lib/validation/data-sources";
import { createWebhookSchema, emailNotificationsSchema as emailNotificationsInputSchema, notificationPreferencesSchema as notificationPreferencesInputSchema } from "@/lib/validation/webhooks";
import { templateSchema } from "@/lib/templates/schema";
import { createReleaseSchema } from "@/lib/validation/admin";
import { releaseVersion, slug } from "@/lib/validation/common";
import { deploymentInputSchema } from "@/lib/validation/deployment";
import { RELEASE_PAGE_LIMIT, RELEASE_STATUSES } from "@/lib/validation/release-list";
import { metricsPayloadSchema, resultsPayloadSchema } from "@/lib/validation/results";
import { gateOverrideInputSchema, projectLockInputSchema, rollbackDecisionInputSchema, updateReleaseSchema } from "@/lib/validation/release";
import { assignItemInputSchema, rejectItemInputSchema, revokeSignOffInputSchema, signOffInputSchema, tickStepInputSchema } from "@/lib/validation/signoff";
import { deploymentHookSchema } from "@/lib/integrations/gitlab/payload";
import { setGitlabLinkSchema } from "@/lib/integrations/gitlab/link";
import { githubRepositoryName, setGithubLinkSchema } from "@/lib/server/set-github-link";
import { ctrfReportSchema, githubEventPayloadSchema, githubFormPayloadSchema, reportQuerySchemas, signOffFormSchema } from "./requests";
import * as responses from "./responses";

type Io = "input" | "output";
type JsonSchema = Record<string, unknown>;

/** Named schemas, in components.schemas. Requests are described as sent (input), responses as sent back (output). */
export const COMPONENT_SCHEMAS = {
  Error: { schema: responses.errorSchema, io: "output" },
  InternalError: { schema: responses.internalErrorSchema, io: "output" },
  Health: { schema: responses.healthSchema, io: "output" },
  Blocker: { schema: responses.blockerSchema, io: "output" },
  GateDecision: { schema: responses.gateDecisionSchema, io: "output" },
  GateReport: { schema: responses.gateReportSchema, io: "output" },
  ReleaseState: { schema: responses.releaseStateSchema, io: "output" },
  ReleaseCreated: { schema: responses.releaseCreatedSchema, io: "output" },
  ReleaseList: { schema: responses.releaseListSchema, io: "output" },
  Deployment: { schema: responses.deploymentSchema, io: "output" },
  IngestReport: { schema: responses.ingestReportSchema, io: "output" },
  MetricsReport: { schema: responses.metricsReportSchema, io: "output" },
  ResultHistory: { schema: responses.resultHistorySchema, io: "output" },
  ItemResults: { schema: responses.itemResultsSchema, io: "output" },
  SignOffCreated: { schema: responses.signOffCreatedSchema, io: "output" },
  SignOffRevoked: { schema: responses.signOffRevokedSchema, io: "output" },
  RejectionCreated: { schema: responses.rejectionCreatedSchema, io: "output" },
  Assignment: { schema: responses.assignmentSchema, io: "output" },
  StepTicked: { schema: responses.stepTickedSchema, io: "output" },
  TemplateList: { schema: responses.templateListSchema, io: "output" },
  TemplateDetail: { schema: responses.templateDetailSchema, io: "output" },
  TemplateSaved: { schema: responses.templateSavedSchema, io: "output" },
  TemplateImport: { schema: responses.templateImportSchema, io: "output" },
  GithubAcknowledged: { schema: responses.githubAcknowledgedSchema, io: "output" },
  GithubAccepted: { schema: responses.githubAcceptedSchema, io: "output" },
  GithubCreated: { schema: responses.githubCreatedSchema, io: "output" },
  GithubTaken: { schema: responses.githubTakenSchema, io: "output" },
  GithubLink: { schema: responses.githubLinkSchema, io: "output" },
  GithubLinkInput: { schema: setGithubLinkSchema.omit({ repository: true }).extend({ repository: githubRepositoryName }), io: "input" },
  GithubIgnored: { schema: responses.githubIgnoredSchema, io: "output" },
  GitlabAcknowledged: { schema: responses.gitlabDuplicateSchema, io: "output" },
  GitlabAccepted: { schema: responses.gitlabAcceptedSchema, io: "output" },
  GitlabIgnored: { schema: responses.gitlabIgnoredSchema, io: "output" },
  GitlabLink: { schema: responses.gitlabLinkSchema, io: "output" },
  GitlabLinkSaved: { schema: responses.gitlabLinkSavedSchema, io: "output" },
  GitlabWebhookToken: { schema: responses.gitlabWebhookTokenSchema, io: "output" },
  GitlabUnlinked: { schema: responses.gitlabUnlinkedSchema, io: "output" },
  BadgeKey: { schema: responses.badgeKeyStateSchema, io: "output" },
  BadgeKeyCreated: { schema: responses.badgeKeyCreatedSchema, io: "output" },
  AlertsReceived: { schema: responses.alertsReceivedSchema, io: "output" },
  OpenApiDocument: { schema: responses.openApiDocumentSchema, io: "output" },
  MemberList: { schema: responses.memberListSchema, io: "output" },
  MemberAdded: { schema: responses.memberAddedSchema, io: "output" },
  MemberRoleChanged: { schema: responses.memberRoleChangedSchema, io: "output" },
  MemberRemoved: { schema: responses.memberRemovedSchema, io: "output" },
  PasswordChanged: { schema: responses.passwordChangedSchema, io: "output" },
  SessionsEnded: { schema: responses.sessionsEndedSchema, io: "output" },
  MyQueue: { schema: responses.myQueueSchema, io: "output" },
  AuditTrail: { schema: auditTrailSchema, io: "output" },
  ChainTrail: { schema: chainTrailSchema, io: "output" },
  EvidencePack: { schema: evidencePackSchema, io: "output" },
  AuditPublicKey: { schema: signingKeySchema, io: "output" },
  JsonSchemaDocument: { schema: responses.jsonSchemaDocumentSchema, io: "output" },
  EvidenceFile: { schema: responses.evidenceFileSchema, io: "output" },
  ReleaseUpdated: { schema: responses.releaseUpdatedSchema, io: "output" },
  GateOverrideCreated: { schema: responses.gateOverrideCreatedSchema, io: "output" },
  GateOverrideLifted: { schema: responses.gateOverrideLiftedSchema, io: "output" },
  ProjectLockState: { schema: responses.projectLockStateSchema, io: "output" },
  RollbackDecisionCreated: { schema: responses.rollbackDecisionCreatedSchema, io: "output" },
  WebhookList: { schema: responses.webhookListSchema, io: "output" },
  WebhookCreated: { schema: responses.webhookCreatedSchema, io: "output" },
  WebhookDeleted: { schema: responses.webhookDeletedSchema, io: "output" },
  DeliveryList: { schema: responses.deliveryListSchema, io: "output" },
  Redelivered: { schema: responses.redeliveredSchema, io: "output" },
  NotificationPreferences: { schema: responses.notificationPreferencesSchema, io: "output" },
  EmailNotifications: { schema: responses.emailNotificationsSchema, io: "output" },
  PrometheusSource: { schema: responses.prometheusSourceViewSchema, io: "output" },

  ResultsPayload: { schema: resultsPayloadSchema, io: "input" },
  CtrfReport: { schema: ctrfReportSchema, io: "input" },
  MetricsPayload: { schema: metricsPayloadSchema, io: "input" },
  CreateRelease: { schema: createReleaseSchema, io: "input" },
  DeploymentInput: { schema: deploymentInputSchema, io: "input" },
  SignOffInput: { schema: signOffInputSchema, io: "input" },
  SignOffForm: { schema: signOffFormSchema, io: "input" },
  UpdateRelease: { schema: updateReleaseSchema, io: "input" },
  GateOverrideInput: { schema: gateOverrideInputSchema, io: "input" },
  ProjectLockInput: { schema: projectLockInputSchema, io: "input" },
  RollbackDecisionInput: { schema: rollbackDecisionInputSchema, io: "input" },
  RevokeSignOffInput: { schema: revokeSignOffInputSchema, io: "input" },
  RejectItemInput: { schema: rejectItemInputSchema, io: "input" },
  AssignItemInput: { schema: assignItemInputSchema, io: "input" },
  TickStepInput: { schema: tickStepInputSchema, io: "input" },
  Template: { schema: templateSchema, io: "input" },
  GithubEventPayload: { schema: githubEventPayloadSchema, io: "input" },
  GithubFormPayload: { schema: githubFormPayloadSchema, io: "input" },
  GitlabDeploymentPayload: { schema: deploymentHookSchema, io: "input" },
  SetGitlabLink: { schema: setGitlabLinkSchema, io: "input" },
  AlertmanagerPayload: { schema: alertmanagerPayloadSchema, io: "input" },
  AddMember: { schema: addMemberSchema, io: "input" },
  SetMemberRole: { schema: setMemberRoleSchema, io: "input" },
  ChangePassword: { schema: changePasswordSchema, io: "input" },
  CreateWebhook: { schema: createWebhookSchema, io: "input" },
  NotificationPreferencesInput: { schema: notificationPreferencesInputSchema, io: "input" },
  EmailNotificationsInput: { schema: emailNotificationsInputSchema, io: "input" },
  PrometheusSourceInput: { schema: prometheusSourceSchema, io: "input" },
} as const satisfies Record<string, { schema: z.ZodType; io: Io }>;

export type SchemaName = keyof typeof COMPONENT_SCHEMAS;

/** JSON Schema 2020-12 of a zod schema; `$schema` moves to the document's jsonSchemaDialect. */
export function jsonSchemaOf(schema: z.ZodType, io: Io): JsonSchema {
  const json = z.toJSONSchema(schema, { io }) as JsonSchema;
  delete json.$schema;
  return json;
}

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

// ---------------------------------------------------------------------------------------------
// Operations

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** A named schema, one of several named schemas, or a string body described in words. */
type Media = { schema: SchemaName } | { oneOf: SchemaName[]; description: string } | { text: string };

type SuccessResponse = {
  description: string;
  /** Media type -> a named schema, or a plain-text description for non-JSON bodies. */
  content?: Record<string, Media>;
  headers?: string[];
};

type Parameter = {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  description: string;
  schema: JsonSchema;
};

export type Operation = {
  path: string;
  method: HttpMethod;
  operationId: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Who may call: token or session (default), session only, token only, anyone, GitHub's signature. */
  auth?: "any" | "session" | "token" | "public" | "github" | "gitlab";
  parameters?: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<number, SuccessResponse>;
  /** Error statuses the operation can answer, each with the error body. */
  errors: ErrorStatus[];
};

const ERROR_RESPONSES = {
  400: { name: "BadRequest", description: "The request cannot be read: malformed JSON or XML, an empty body, a missing query parameter." },
  401: { name: "Unauthorized", description: "No credentials, or an invalid, expired or revoked token.", headers: ["WWW-Authenticate"] },
  403: { name: "Forbidden", description: "The caller may not do this (token permission, role), or a cookie-authenticated write came without this site's Origin." },
  404: { name: "NotFound", description: "The project, release, item or template does not exist or is not visible to the caller." },
  409: { name: "Conflict", description: "The request conflicts with the current state (already exists, already signed off, Idempotency-Key still being processed)." },
  413: { name: "PayloadTooLarge", description: "The body is larger than this endpoint accepts." },
  415: { name: "UnsupportedMediaType", description: "The Content-Type is not one this endpoint reads." },
  422: { name: "ValidationFailed", description: "The body is readable but not acceptable; `details` names each problem (with line and column for documents)." },
  429: { name: "RateLimited", description: "The caller's requests per minute are spent, or (password change) too many wrong passwords locked the account or address for a while.", headers: ["Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] },
  503: { name: "ServiceUnavailable", description: "This instance cannot take the request right now (say, it serves its limit of event streams); retry after `Retry-After` seconds, through the load balancer.", headers: ["Retry-After"] },
} as const;

type ErrorStatus = keyof typeof ERROR_RESPONSES;

const READ_ERRORS: ErrorStatus[] = [401, 403, 404];
const BODY_ERRORS: ErrorStatus[] = [400, 401, 403, 404, 413, 415, 422];

const PATH = {
  project: { name: "project", in: "path", required: true, description: "The project's slug.", schema: jsonSchemaOf(slug, "input") },
  version: { name: "version", in: "path", required: true, description: "The release's version, e.g. `v1.8.0`.", schema: jsonSchemaOf(releaseVersion, "input") },
  itemKey: { name: "itemKey", in: "path", required: true, description: "The checklist item's key.", schema: { type: "string" } },
  signOffId: { name: "signOffId", in: "path", required: true, description: "The sign-off's id.", schema: { type: "string", format: "uuid" } },
  evidenceId: { name: "evidenceId", in: "path", required: true, description: "The evidence file's id (from a sign-off's `evidence.id`).", schema: { type: "string", format: "uuid" } },
  overrideId: { name: "overrideId", in: "path", required: true, description: "The override's id (from the release's `overrides`).", schema: { type: "string", format: "uuid" } },
  name: { name: "name", in: "path", required: true, description: "The template's name.", schema: { type: "string" } },
  userId: { name: "userId", in: "path", required: true, description: "The member's user id (from the member list).", schema: { type: "string", format: "uuid" } },
  webhookId: { name: "webhookId", in: "path", required: true, description: "The webhook endpoint's id (from the webhook list).", schema: { type: "string", format: "uuid" } },
  deliveryId: { name: "deliveryId", in: "path", required: true, description: "The delivery's id (from the delivery list).", schema: { type: "string", format: "uuid" } },
} satisfies Record<string, Parameter>;

const IDEMPOTENCY_KEY: Parameter = {
  name: "Idempotency-Key",
  in: "header",
  description:
    "Any 1 to 255 visible ASCII characters. A retry with the same key and the same request gets the first response again (`Idempotent-Replayed: true`) and stores nothing twice; the same key with a different request is 422; while the first request is still running, 409.",
  schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" },
};

const RELEASE_PARAMS = [PATH.project, PATH.version];

const reportQuery = (name: keyof typeof reportQuerySchemas): Parameter => {
  const schema = jsonSchemaOf(reportQuerySchemas[name], "input");
  const { description, ...rest } = schema;
  return { name, in: "query", description: `${String(description)} JUnit XML and CTRF only; Shipcheck JSON says it in its body.`, schema: rest };
};

export const OPERATIONS: Operation[] = [
  {
    path: "/api/health",
    method: "get",
    operationId: "getHealth",
    tags: ["Service"],
    summary: "Liveness and database readiness",
    auth: "public",
    responses: {
      200: { description: "The app and its database answer.", content: { "application/json": { schema: "Health" } } },
      503: { description: "The database does not answer.", content: { "application/json": { schema: "Health" } } },
    },
    errors: [],
  },
  {
    path: "/api/metrics",
    method: "get",
    operationId: "getMetrics",
    tags: ["Service"],
    summary: "Prometheus metrics of this instance",
    description:
      "The Prometheus text format (prom-client): requests by method, route and status with their durations, ingested reports and results, gate evaluations and their duration, open live streams, the database pool, outgoing webhook deliveries, and the process's own. Off (404) unless the instance has `SHIPCHECK_METRICS_TOKEN`; a scraper sends it as `Authorization: Bearer <token>` (not an API token). Each instance serves its own: scrape every instance, not the load balancer.",
    auth: "public",
    responses: { 200: { description: "The metrics.", content: { "text/plain": { text: "Prometheus text exposition format 0.0.4." } } } },
    errors: [401, 404],
  },
  {
    path: "/api/v1/openapi.json",
    method: "get",
    operationId: "getOpenApiDocument",
    tags: ["Service"],
    summary: "This document",
    auth: "public",
    responses: { 200: { description: "The OpenAPI 3.1 document.", content: { "application/json": { schema: "OpenApiDocument" } } } },
    errors: [],
  },
  {
    path: "/api/v1/schemas/template.json",
    method: "get",
    operationId: "getTemplateJsonSchema",
    tags: ["Templates"],
    summary: "The checklist template format as JSON Schema",
    description: "For editors (`# yaml-language-server: $schema=…`) and API clients. See docs/templates.md.",
    auth: "public",
    responses: { 200: { description: "JSON Schema 2020-12.", content: { "application/schema+json": { schema: "JsonSchemaDocument" } } } },
    errors: [],
  },
  {
    path: "/api/v1/projects/{project}/releases",
    method: "post",
    operationId: "createRelease",
    tags: ["Releases"],
    summary: "Create a release from a template version",
    description:
      "The release gets its own snapshot of the template version's items (the latest unless `templateVersion` is given). `changedFiles` that touch a guarded path add that path's checks to the gate. Needs the `releases:write` token permission or the release-manager role.",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "CreateRelease" } } },
    responses: { 201: { description: "Created.", content: { "application/json": { schema: "ReleaseCreated" } }, headers: ["Location"] } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases",
    method: "get",
    operationId: "listReleases",
    tags: ["Releases"],
    summary: "The project's releases, newest first, a page at a time",
    description:
      "Each with its gate and deploy state per environment. Filters combine: `status`, `deployedTo` (deployed there at least once) and `notDeployedTo`. Pages: pass `nextCursor` as `cursor` until it is null (the `Link` header says the same).",
    parameters: [
      PATH.project,
      { name: "status", in: "query", required: false, description: "Only releases in this status.", schema: { type: "string", enum: [...RELEASE_STATUSES] } },
      { name: "deployedTo", in: "query", required: false, description: "Only releases deployed to this environment.", schema: { type: "string" } },
      { name: "notDeployedTo", in: "query", required: false, description: "Only releases never deployed to this environment.", schema: { type: "string" } },
      { name: "limit", in: "query", required: false, description: `At most this many (default 50, at most ${RELEASE_PAGE_LIMIT}).`, schema: { type: "integer", minimum: 1, maximum: RELEASE_PAGE_LIMIT } },
      { name: "cursor", in: "query", required: false, description: "`nextCursor` of the page before.", schema: { type: "string" } },
    ],
    responses: { 200: { description: "One page of releases.", content: { "application/json": { schema: "ReleaseList" } }, headers: ["Link"] } },
    errors: [400, 422, ...READ_ERRORS],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}",
    method: "get",
    operationId: "getRelease",
    tags: ["Releases"],
    summary: "The release with its items, their state per environment, and the gates",
    parameters: RELEASE_PARAMS,
    responses: { 200: { description: "The release.", content: { "application/json": { schema: "ReleaseState" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/events",
    method: "get",
    operationId: "watchRelease",
    tags: ["Releases"],
    summary: "Server-sent events whenever what the release shows changes",
    description:
      "A `text/event-stream` that stays open. `event: change` with `data: {\"kind\":\"<audit action>\"}` after each committed change to the release or its project (results, metrics, sign-offs, steps, deploys, overrides, locks, rebuilds, alerts): then GET the release. `event: paused` while the serving instance cannot hear changes (poll meanwhile), `event: resync` when it can again (GET the release, changes may have been missed). Comment lines (`: heartbeat`) every 15 s keep proxies from closing it; `retry:` says how soon to reconnect. The server ends streams now and then (about every 10 minutes) and on shutdown: reconnect, then GET the release. Same permission as reading the release. 503 when the instance already serves its limit of streams.",
    parameters: RELEASE_PARAMS,
    responses: { 200: { description: "The stream.", content: { "text/event-stream": { text: "Server-sent events: `change`, `paused`, `resync`; comments as heartbeats." } } } },
    errors: [...READ_ERRORS, 503],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}",
    method: "patch",
    operationId: "updateReleaseCommit",
    tags: ["Releases"],
    summary: "Bind the release to a new build's commit",
    description:
      "A rebuild: `{\"commit\":\"<sha>\"}`. Sign-offs and results for the old commit stay on record but stop counting (the items become `stale` or pending), active gate overrides are lifted, a `ready` release goes back to `in_progress`. Audited with the commit before and after. Needs the `releases:write` token permission or the release-manager role.",
    parameters: RELEASE_PARAMS,
    requestBody: { content: { "application/json": { schema: "UpdateRelease" } } },
    responses: { 200: { description: "Updated (or unchanged, `changed: false`).", content: { "application/json": { schema: "ReleaseUpdated" } } } },
    errors: BODY_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/gate",
    method: "get",
    operationId: "getGate",
    tags: ["Gate"],
    summary: "May this release go to this environment?",
    description:
      "Open iff every required pre-deploy item (plus guarded-path checks, plus the previous environment's gate) is satisfied for the release's current commit, or an administrator overrode it. `blocking` says why not. `npx shipcheck gate` turns this into an exit code.",
    parameters: [...RELEASE_PARAMS, { name: "environment", in: "query", required: true, description: "One of the project's environments.", schema: { type: "string" } }],
    responses: { 200: { description: "The gate (200 whether open or closed).", content: { "application/json": { schema: "GateReport" } } } },
    errors: [400, ...READ_ERRORS, 422],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/badge.svg",
    method: "get",
    operationId: "getGateBadge",
    tags: ["Gate"],
    summary: "The gate as an SVG badge",
    description:
      "`gate | open` (green), `gate | blocked (n)` (red) or `gate | overridden` (amber). Same read permission as the gate (the `gate:read` token permission or any member); `Cache-Control: no-store`.",
    parameters: [...RELEASE_PARAMS, { name: "environment", in: "query", required: true, description: "One of the project's environments.", schema: { type: "string" } }],
    responses: { 200: { description: "The badge.", content: { "image/svg+xml": { text: "An SVG image." } } } },
    errors: [400, ...READ_ERRORS, 422],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/overrides",
    method: "post",
    operationId: "overrideGate",
    tags: ["Gate"],
    summary: "Override a closed gate (administrators)",
    description:
      "`{\"environment\",\"reason\"}`, the reason at least 10 characters. The gate opens with `overridden: true` and keeps listing what blocks it; the page, the API, the badge and the audit trail all say so. 409 when the gate is open, already overridden, or the project is locked (a lock wins over overrides). People with the admin role only; tokens cannot override.",
    auth: "session",
    parameters: RELEASE_PARAMS,
    requestBody: { content: { "application/json": { schema: "GateOverrideInput" } } },
    responses: { 201: { description: "Overridden.", content: { "application/json": { schema: "GateOverrideCreated" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/overrides/{overrideId}",
    method: "delete",
    operationId: "liftOverride",
    tags: ["Gate"],
    summary: "Lift a gate override (administrators)",
    description: "The override stays on record, marked lifted with who and when; the gate is judged by its items again.",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.overrideId],
    responses: { 200: { description: "Lifted.", content: { "application/json": { schema: "GateOverrideLifted" } } } },
    errors: [...READ_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/overrides/{overrideId}/lift",
    method: "post",
    operationId: "liftOverrideByPost",
    tags: ["Gate"],
    summary: "Lift a gate override (administrators), for clients without DELETE",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.overrideId],
    responses: { 200: { description: "Lifted.", content: { "application/json": { schema: "GateOverrideLifted" } } } },
    errors: [...READ_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/rollback-decisions",
    method: "post",
    operationId: "recordRollbackDecision",
    tags: ["Releases"],
    summary: "Record the decision after a deploy: rolled back, or keep",
    description:
      "`{\"environment\",\"decision\":\"rolled_back\"|\"keep\",\"toVersion\"?,\"reason\"}`. `rolled_back` names an existing other release of the project (422 otherwise), sets this release's status to `rolled_back` and records that release as deployed to the environment again. The decision answers \"Rollback recommended\" for the latest deploy there. 409 when the release was never deployed to the environment. Needs the `releases:write` token permission or the release-manager role.",
    parameters: RELEASE_PARAMS,
    requestBody: { content: { "application/json": { schema: "RollbackDecisionInput" } } },
    responses: { 201: { description: "Recorded.", content: { "application/json": { schema: "RollbackDecisionCreated" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/lock",
    method: "post",
    operationId: "lockProject",
    tags: ["Gate"],
    summary: "Lock deploys of the whole project",
    description:
      "`{\"reason\"}`. Every gate of every release of the project closes with reason `locked` (overrides included) until the lock is lifted. 409 when already locked. Needs the `releases:write` token permission or the release-manager role.",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "ProjectLockInput" } } },
    responses: { 201: { description: "Locked.", content: { "application/json": { schema: "ProjectLockState" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/lock",
    method: "delete",
    operationId: "unlockProject",
    tags: ["Gate"],
    summary: "Lift the project's deploy lock",
    description: "409 when the project is not locked. Needs the `releases:write` token permission or the release-manager role.",
    parameters: [PATH.project],
    responses: { 200: { description: "Unlocked.", content: { "application/json": { schema: "ProjectLockState" } } } },
    errors: [...READ_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/deployments",
    method: "post",
    operationId: "recordDeployment",
    tags: ["Releases"],
    summary: "Record that the release was deployed to an environment",
    description:
      "Refused with 409 while that environment's gate is closed (`details` lists the blocking items, `path` = item key); allowed when it is open or overridden. The release becomes `deployed`, and its `watch` items start judging rollback criteria. Needs the `releases:write` token permission or the release-manager role.",
    parameters: RELEASE_PARAMS,
    requestBody: { content: { "application/json": { schema: "DeploymentInput" } } },
    responses: { 201: { description: "Recorded.", content: { "application/json": { schema: "Deployment" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/results",
    method: "post",
    operationId: "postResults",
    tags: ["Results"],
    summary: "Report test results: Shipcheck JSON, JUnit XML or CTRF",
    description:
      "The format follows Content-Type (`application/xml` or `text/xml`: JUnit; `application/json`: Shipcheck JSON, or CTRF when `results.tool` is present) unless `?format=` says otherwise. JUnit and CTRF carry no environment, commit or run: send those as query parameters. Keys are made relative to the repository (`baseDir`, or a CI runner's standard checkout root); a test's browser or project is its `variant`, not part of its key. Results for another commit than the release's are kept but don't count (`countsForRelease: false`). Latest by the run's own start time wins. Needs the `results:write` token permission or the engineer role. Bodies up to 25 MB; at most 20,000 results per request (413 past either, naming the limit).",
    parameters: [
      ...RELEASE_PARAMS,
      { name: "format", in: "query", description: "Overrides the Content-Type's choice.", schema: { type: "string", enum: ["json", "junit", "ctrf"] } },
      reportQuery("environment"),
      reportQuery("commit"),
      reportQuery("runId"),
      reportQuery("runUrl"),
      reportQuery("startedAt"),
      reportQuery("baseDir"),
      IDEMPOTENCY_KEY,
    ],
    requestBody: {
      content: {
        "application/json": { oneOf: ["ResultsPayload", "CtrfReport"], description: "Shipcheck JSON, or CTRF (recognised by `results.tool`, or `?format=ctrf`)." },
        "application/xml": { text: "A JUnit XML report (pytest --junitxml, Surefire, jest-junit, Playwright, node --test-reporter=junit…)." },
        "text/xml": { text: "Same as application/xml." },
      },
    },
    responses: {
      201: {
        description: "Recorded (or, with a replayed Idempotency-Key, the first response again). Says which items the results fed and the gates after them.",
        content: { "application/json": { schema: "IngestReport" } },
        headers: ["Idempotent-Replayed", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
      },
    },
    errors: [...BODY_ERRORS, 409, 429],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/results/history",
    method: "get",
    operationId: "getResultHistory",
    tags: ["Results"],
    summary: "One test's runs in this release and its latest outcome in earlier releases",
    parameters: [...RELEASE_PARAMS, { name: "key", in: "query", required: true, description: "The result key.", schema: { type: "string", maxLength: 1000 } }],
    responses: { 200: { description: "The history (50 runs, 20 earlier releases at most).", content: { "application/json": { schema: "ResultHistory" } } } },
    errors: [400, ...READ_ERRORS],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/metrics",
    method: "post",
    operationId: "postMetrics",
    tags: ["Results"],
    summary: "Report named numeric values",
    description: "Shipcheck judges them against the template's thresholds. Needs the `results:write` token permission or the engineer role.",
    parameters: [...RELEASE_PARAMS, IDEMPOTENCY_KEY],
    requestBody: { content: { "application/json": { schema: "MetricsPayload" } } },
    responses: {
      201: { description: "Recorded (or replayed).", content: { "application/json": { schema: "MetricsReport" } }, headers: ["Idempotent-Replayed", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] },
    },
    errors: [...BODY_ERRORS, 409, 429],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/results",
    method: "get",
    operationId: "getItemResults",
    tags: ["Results"],
    summary: "A check item's matching results, a page at a time",
    description: "The latest run of each matching test for the release's commit in one environment: failed first, then flaky, skipped and passed. The release itself carries only the first 50.",
    parameters: [
      ...RELEASE_PARAMS,
      PATH.itemKey,
      { name: "environment", in: "query", required: true, description: "Whose results.", schema: { type: "string" } },
      { name: "offset", in: "query", required: false, description: "Results to skip (default 0).", schema: { type: "integer", minimum: 0 } },
      { name: "limit", in: "query", required: false, description: "At most this many (default 100, at most 500).", schema: { type: "integer", minimum: 1, maximum: 500 } },
      { name: "status", in: "query", required: false, description: "Only results of this status.", schema: { type: "string", enum: ["passed", "failed", "flaky", "skipped"] } },
    ],
    responses: { 200: { description: "One page of results.", content: { "application/json": { schema: "ItemResults" } } } },
    errors: [400, 422, ...READ_ERRORS],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/signoffs",
    method: "post",
    operationId: "signOffItem",
    tags: ["Sign-offs"],
    summary: "Sign off a manual item for one environment",
    description:
      "A person's word, bound to the release's current commit: API tokens are refused (403). Needs the item's role; the item's steps must all be ticked. Evidence is a link (`evidenceUrl`, http or https) or, as multipart/form-data, a `file`: PNG, JPEG, PDF, HAR or JSON judged by content (anything else 415, a `.har` without `log.entries` 422), at most 10 MB (413); nothing is stored when it is refused. `evidence: required` items need a link or a file (422). 409 when `expectedVersion` is not the item's current version (someone signed off or revoked since), when the caller already signed, or when the item already has the approvals it needs for this environment and commit (unless a rejection stands: a new sign-off answers it).",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.itemKey],
    requestBody: { content: { "application/json": { schema: "SignOffInput" }, "multipart/form-data": { schema: "SignOffForm" } } },
    responses: { 201: { description: "Signed off.", content: { "application/json": { schema: "SignOffCreated" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/rejections",
    method: "post",
    operationId: "rejectItem",
    tags: ["Sign-offs"],
    summary: "Reject a manual item for one environment, with a reason",
    description:
      "For the people who may sign the item (its role or above; API tokens are refused, 403), bound to the release's current commit. The gate of every environment the item gates is closed with reason `rejected` until someone signs the item off again for that environment and commit. The caller's own sign-off there, if any, is revoked. 422 for a missing or empty reason or one of more than 2,000 characters; 409 when `expectedVersion` is not the item's current version, or the caller's own rejection still stands.",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.itemKey],
    requestBody: { content: { "application/json": { schema: "RejectItemInput" } } },
    responses: { 201: { description: "Rejected.", content: { "application/json": { schema: "RejectionCreated" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/assignee",
    method: "put",
    operationId: "assignItem",
    tags: ["Sign-offs"],
    summary: "Assign a manual item to a member who may sign it",
    description: "Release managers and admins (people only). The assignee must be a member whose role is enough to sign the item (422 otherwise). It comes first in their queue; the gate does not change.",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.itemKey],
    requestBody: { content: { "application/json": { schema: "AssignItemInput" } } },
    responses: { 200: { description: "Assigned.", content: { "application/json": { schema: "Assignment" } } } },
    errors: BODY_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/assignee",
    method: "delete",
    operationId: "unassignItem",
    tags: ["Sign-offs"],
    summary: "Take away a manual item's assignee",
    description: "Release managers and admins (people only). Answers the same when nobody was assigned.",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.itemKey],
    responses: { 200: { description: "Nobody is assigned.", content: { "application/json": { schema: "Assignment" } } } },
    errors: [401, 403, 404, 422],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/evidence/{evidenceId}",
    method: "get",
    operationId: "getEvidence",
    tags: ["Sign-offs"],
    summary: "Download a sign-off's evidence file",
    description:
      "Always an attachment (`Content-Disposition: attachment`), with the type the content was checked to be, `X-Content-Type-Options: nosniff` and `Content-Security-Policy: default-src 'none'; sandbox`. For readers of the project (the `gate:read` token permission or any member).",
    parameters: [...RELEASE_PARAMS, PATH.evidenceId],
    responses: {
      200: {
        description: "The file.",
        content: {
          "image/png": { text: "A PNG image." },
          "image/jpeg": { text: "A JPEG image." },
          "application/pdf": { text: "A PDF document." },
          "application/json": { text: "A HAR or JSON file, as uploaded." },
        },
      },
    },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/items/{itemKey}/steps",
    method: "post",
    operationId: "tickStep",
    tags: ["Sign-offs"],
    summary: "Tick or untick one sub-step of a manual item",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.itemKey],
    requestBody: { content: { "application/json": { schema: "TickStepInput" } } },
    responses: { 200: { description: "The step's state.", content: { "application/json": { schema: "StepTicked" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/signoffs/{signOffId}/revoke",
    method: "post",
    operationId: "revokeSignOff",
    tags: ["Sign-offs"],
    summary: "Withdraw a sign-off, with a reason",
    description: "The signer, or a release manager, may revoke. The sign-off stays on record, marked revoked.",
    auth: "session",
    parameters: [...RELEASE_PARAMS, PATH.signOffId],
    requestBody: { content: { "application/json": { schema: "RevokeSignOffInput" } } },
    responses: { 200: { description: "Revoked.", content: { "application/json": { schema: "SignOffRevoked" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/audit",
    method: "get",
    operationId: "getAuditTrail",
    tags: ["Audit"],
    summary: "The release's audit trail, oldest first, with the hash chain's state and its signed checkpoints",
    description:
      "Every change to the release as an append-only, hash-chained event (`hash` = sha256 of the previous hash and the event), and the chain's `checkpoints`: its event count and head, signed with the instance's Ed25519 key (kept outside the database). `chain.ok` is false, with the first broken link (`brokenAt`), when any event was changed, removed or reordered; or, naming the `checkpoint` that failed, when a checkpoint does not verify with the key or the chain no longer has the signed event at the signed position (events inserted or rewritten before it, or removed from the end). When all of it holds and no checkpoint covers the newest event yet, this request signs one. See docs/audit.md.",
    parameters: RELEASE_PARAMS,
    responses: { 200: { description: "The trail.", content: { "application/json": { schema: "AuditTrail" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/releases/{version}/evidence-pack",
    method: "get",
    operationId: "exportEvidencePack",
    tags: ["Audit"],
    summary: "Download the evidence pack: template version, results, metrics, sign-offs with evidence digests, gates, deploys and the audit chain",
    description:
      "Sent as an attachment (`Content-Disposition`). Format version 2: with the chain's signed checkpoints, the public key (`signingKey`) and a `signature` over a digest of every section. `npx shipcheck verify pack.json --key <public key>` checks it offline, with the key from GET /api/v1/audit/public-key kept apart from the pack.",
    parameters: RELEASE_PARAMS,
    responses: { 200: { description: "The pack.", content: { "application/json": { schema: "EvidencePack" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/audit",
    method: "get",
    operationId: "getProjectAuditTrail",
    tags: ["Audit"],
    summary: "The project's own audit chain (tokens, members, templates, locks, links), checked against its signed checkpoints",
    description:
      "The events of the project that belong to no release, hash-chained and checkpointed like a release's (see getAuditTrail): `chain` is the check of the whole chain, `events` the newest `limit` of them. Project admins only (people, not tokens). See docs/audit.md.",
    auth: "session",
    parameters: [PATH.project, { name: "limit", in: "query", required: false, description: "How many of the newest events (default 200, at most 1000).", schema: { type: "integer", minimum: 1, maximum: 1000 } }],
    responses: { 200: { description: "The trail.", content: { "application/json": { schema: "ChainTrail" } } } },
    errors: [422, ...READ_ERRORS],
  },
  {
    path: "/api/v1/audit",
    method: "get",
    operationId: "getInstanceAuditTrail",
    tags: ["Audit"],
    summary: "The instance's audit chain (sign-ins, password changes, sessions ended), checked against its signed checkpoints",
    description:
      "Events that belong to no project, hash-chained and checkpointed like a release's: `chain` is the check of the whole chain, `events` the newest `limit` of them. Instance administrators only. See docs/audit.md.",
    auth: "session",
    parameters: [{ name: "limit", in: "query", required: false, description: "How many of the newest events (default 200, at most 1000).", schema: { type: "integer", minimum: 1, maximum: 1000 } }],
    responses: { 200: { description: "The trail.", content: { "application/json": { schema: "ChainTrail" } } } },
    errors: [422, 401, 403],
  },
  {
    path: "/api/v1/audit/public-key",
    method: "get",
    operationId: "getAuditPublicKey",
    tags: ["Audit"],
    summary: "The public key that audit checkpoints and evidence packs are signed with",
    description:
      "Ed25519, PEM (SPKI). Fetch it once and keep it apart from the packs it checks: `shipcheck verify pack.json --key key.pem`. A pack carries the key too, but a pack's own key proves only that the pack is self-consistent.",
    auth: "public",
    responses: { 200: { description: "The key.", content: { "application/json": { schema: "AuditPublicKey" } } } },
    errors: [],
  },
  {
    path: "/api/v1/projects/{project}/members",
    method: "get",
    operationId: "listMembers",
    tags: ["Members"],
    summary: "The project's members and their roles",
    description: "Project admins only (people, not tokens).",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "Members.", content: { "application/json": { schema: "MemberList" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/members",
    method: "post",
    operationId: "addMember",
    tags: ["Members"],
    summary: "Add a person to the project with a role",
    description: "Project admins add existing accounts; an instance administrator may name a new email, which creates the account and returns its password once. 409 when already a member.",
    auth: "session",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "AddMember" } } },
    responses: { 201: { description: "Added.", content: { "application/json": { schema: "MemberAdded" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/members/{userId}",
    method: "patch",
    operationId: "setMemberRole",
    tags: ["Members"],
    summary: "Change a member's role",
    description: "409 when it would leave the project without an admin.",
    auth: "session",
    parameters: [PATH.project, PATH.userId],
    requestBody: { content: { "application/json": { schema: "SetMemberRole" } } },
    responses: { 200: { description: "Changed.", content: { "application/json": { schema: "MemberRoleChanged" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/members/{userId}",
    method: "delete",
    operationId: "removeMember",
    tags: ["Members"],
    summary: "Remove a member from the project",
    description: "409 when it would leave the project without an admin.",
    auth: "session",
    parameters: [PATH.project, PATH.userId],
    responses: { 200: { description: "Removed.", content: { "application/json": { schema: "MemberRemoved" } } } },
    errors: [...READ_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/members/{userId}/sessions",
    method: "delete",
    operationId: "endMemberSessions",
    tags: ["Members"],
    summary: "Sign a member out everywhere",
    description:
      "Every session of the member ends at once: their cookies get 401 from the next request on; they sign in again with their password. Project admins only (people, not tokens); an instance administrator's sessions only another instance administrator may end (403). Audited as `member.sessions_ended`.",
    auth: "session",
    parameters: [PATH.project, PATH.userId],
    responses: { 200: { description: "Signed out everywhere.", content: { "application/json": { schema: "SessionsEnded" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/webhooks",
    method: "get",
    operationId: "listWebhooks",
    tags: ["Notifications"],
    summary: "The project's webhook endpoints (never their secrets)",
    description: "Project admins only (people, not tokens).",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "Endpoints.", content: { "application/json": { schema: "WebhookList" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/webhooks",
    method: "post",
    operationId: "createWebhook",
    tags: ["Notifications"],
    summary: "Add a webhook endpoint; its signing secret is in this answer only",
    description:
      "`{\"url\",\"format\"?,\"events\"?}`: an http or https URL (at most 2,000 characters, no credentials in it); `standard` (the default) sends Standard Webhooks JSON `{type,timestamp,data}` signed with `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` with the secret's bytes); `slack` sends incoming-webhook JSON (`text`, `blocks`) that Slack and Teams read. `events` limits the types (empty: every type). Deliveries are retried with exponential backoff for more than a day. Project admins only. 409 past 20 endpoints. Audited as `webhook.created`, without the secret.",
    auth: "session",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "CreateWebhook" } } },
    responses: { 201: { description: "Added.", content: { "application/json": { schema: "WebhookCreated" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/webhooks/{webhookId}",
    method: "delete",
    operationId: "deleteWebhook",
    tags: ["Notifications"],
    summary: "Delete a webhook endpoint and its deliveries",
    description: "Project admins only. Audited as `webhook.deleted`.",
    auth: "session",
    parameters: [PATH.project, PATH.webhookId],
    responses: { 200: { description: "Deleted.", content: { "application/json": { schema: "WebhookDeleted" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/webhooks/{webhookId}/deliveries",
    method: "get",
    operationId: "listWebhookDeliveries",
    tags: ["Notifications"],
    summary: "The endpoint's latest 50 deliveries, newest first, each with its attempts and their response codes",
    description: "Project admins only.",
    auth: "session",
    parameters: [PATH.project, PATH.webhookId],
    responses: { 200: { description: "Deliveries.", content: { "application/json": { schema: "DeliveryList" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
    method: "post",
    operationId: "redeliverWebhook",
    tags: ["Notifications"],
    summary: "Send a delivery again now, with the same webhook-id and payload",
    description: "A fresh round of retries starts. Project admins only. Audited as `webhook.redelivered`.",
    auth: "session",
    parameters: [PATH.project, PATH.webhookId, PATH.deliveryId],
    responses: { 202: { description: "Queued again.", content: { "application/json": { schema: "Redelivered" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/github",
    method: "put",
    operationId: "setGithubLink",
    tags: ["Webhooks"],
    summary: "Link a GitHub repository (its webhook secret, and optionally the project's GitHub App)",
    description:
      "`{\"repository\":\"owner/name\",\"secret\"?,\"appId\"?,\"privateKey\"?}`: the same as the Settings page. The secret is needed when first linking; `appId` and `privateKey` (the App's PEM) go together, null forgets them (then the instance's SHIPCHECK_GITHUB_APP_* are used). Secrets are write-only: the answer says only whether they are set. 409 when another project links the repository. Project admins only (people, not tokens). Audited as `project.github_linked` (without the secrets).",
    auth: "session",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "GithubLinkInput" } } },
    responses: { 200: { description: "Linked.", content: { "application/json": { schema: "GithubLink" } } } },
    errors: [...BODY_ERRORS, 409],
  },
  {
    path: "/api/v1/projects/{project}/github",
    method: "delete",
    operationId: "unlinkGithub",
    tags: ["Webhooks"],
    summary: "Unlink the GitHub repository and forget its webhook secret and App",
    description: "Project admins only (people, not tokens). Audited as `project.github_unlinked`.",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "Unlinked.", content: { "application/json": { schema: "GithubLink" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/notifications",
    method: "get",
    operationId: "getEmailNotifications",
    tags: ["Notifications"],
    summary: "Whether the project's notifications are emailed to the members who can act",
    description: "Project admins only (people, not tokens).",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "The setting.", content: { "application/json": { schema: "EmailNotifications" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/notifications",
    method: "put",
    operationId: "setEmailNotifications",
    tags: ["Notifications"],
    summary: "Turn email notifications of the project on or off",
    description:
      "`{\"email\":true}`: each notification is emailed to the members who can act (for a sign-off, those who may give it; otherwise release managers and admins), less those who turned that type off on their account. Needs an SMTP server (SHIPCHECK_SMTP_URL). Project admins only. Audited as `notifications.email_changed`.",
    auth: "session",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "EmailNotificationsInput" } } },
    responses: { 200: { description: "Saved.", content: { "application/json": { schema: "EmailNotifications" } } } },
    errors: BODY_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/data-sources/prometheus",
    method: "get",
    operationId: "getPrometheusSource",
    tags: ["Projects"],
    summary: "The project's Prometheus, which metric and watch items with a query read from",
    description: "The base URL and whether a bearer token is set; the token itself is never returned. Project admins only (people, not tokens).",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "The setting.", content: { "application/json": { schema: "PrometheusSource" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/data-sources/prometheus",
    method: "put",
    operationId: "setPrometheusSource",
    tags: ["Projects"],
    summary: "Set the project's Prometheus",
    description:
      "`{\"url\":\"http://prometheus.internal:9090\",\"bearerToken\":\"…\"}`: Shipcheck asks `GET <url>/api/v1/query` for items with `source: prometheus` (docs/templates.md). `bearerToken` left out keeps the one set, null removes it; `url` null removes both. The token is sent to Prometheus only, never returned or logged. Project admins only. Audited as `project.prometheus_changed` (without the token).",
    auth: "session",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "PrometheusSourceInput" } } },
    responses: { 200: { description: "Saved.", content: { "application/json": { schema: "PrometheusSource" } } } },
    errors: BODY_ERRORS,
  },
  {
    path: "/api/v1/me/notifications",
    method: "get",
    operationId: "getNotificationPreferences",
    tags: ["Account"],
    summary: "Which notifications you get by email",
    description: "Email goes to the people who can act: for a sign-off, the members who may give it; otherwise release managers and admins. Signed-in people only (tokens get 403).",
    auth: "session",
    responses: { 200: { description: "Your choices.", content: { "application/json": { schema: "NotificationPreferences" } } } },
    errors: [401, 403],
  },
  {
    path: "/api/v1/me/notifications",
    method: "put",
    operationId: "setNotificationPreferences",
    tags: ["Account"],
    summary: "Choose which notifications you get by email",
    description: "`{\"optOut\":[…]}`: the types you do not want. Signed-in people only (tokens get 403). Audited as `account.notifications_changed`.",
    auth: "session",
    requestBody: { content: { "application/json": { schema: "NotificationPreferencesInput" } } },
    responses: { 200: { description: "Saved.", content: { "application/json": { schema: "NotificationPreferences" } } } },
    errors: [400, 401, 403, 413, 415, 422],
  },
  {
    path: "/api/v1/me/password",
    method: "post",
    operationId: "changePassword",
    tags: ["Account"],
    summary: "Change your own password",
    description:
      "`{\"currentPassword\",\"newPassword\"}`; the new one 12 to 1024 characters and different from the current one (422 names every problem in `details`). A wrong current password is 403 and counts as a failed sign-in of the account and the client address: after as many as lock sign-in, the change is locked too (429 with Retry-After). On success every other session of the person ends; this one continues with the new session cookie sent in `Set-Cookie`. Signed-in people only (tokens get 403). Audited as `auth.password.changed` or `auth.password.change_failed`, never with a password.",
    auth: "session",
    requestBody: { content: { "application/json": { schema: "ChangePassword" } } },
    responses: { 200: { description: "Changed.", content: { "application/json": { schema: "PasswordChanged" } }, headers: ["Set-Cookie"] } },
    errors: [400, 401, 403, 409, 413, 415, 422, 429],
  },
  {
    path: "/api/v1/me/sessions",
    method: "delete",
    operationId: "endOwnSessions",
    tags: ["Account"],
    summary: "Sign yourself out everywhere",
    description: "Every session of the signed-in person ends, this one included (`Set-Cookie` removes its cookie). API tokens are not affected. Audited as `auth.sessions.ended`.",
    auth: "session",
    responses: { 200: { description: "Signed out everywhere.", content: { "application/json": { schema: "SessionsEnded" } }, headers: ["Set-Cookie"] } },
    errors: [401, 403],
  },
  {
    path: "/api/v1/me/queue",
    method: "get",
    operationId: "getMyQueue",
    tags: ["Account"],
    summary: "The manual items you can sign now, across your projects: assigned to you first, then oldest first",
    description:
      "Items that block a gate for want of sign-offs (or have only sign-offs for an older commit, or a standing rejection), that your role in the project is enough for, that you have not signed for this commit and environment, and that can be signed now (a `verifyOn` item once the commit is deployed there). Each has the path of the release page at the item. Signed-in people only; tokens get 403.",
    auth: "session",
    responses: { 200: { description: "The queue.", content: { "application/json": { schema: "MyQueue" } } } },
    errors: [401, 403],
  },
  {
    path: "/api/v1/projects/{project}/templates",
    method: "get",
    operationId: "listTemplates",
    tags: ["Templates"],
    summary: "The project's templates",
    parameters: [PATH.project],
    responses: { 200: { description: "Templates with their latest version.", content: { "application/json": { schema: "TemplateList" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/templates/{name}",
    method: "get",
    operationId: "getTemplate",
    tags: ["Templates"],
    summary: "A template with every version and what changed in each",
    parameters: [PATH.project, PATH.name],
    responses: { 200: { description: "The template.", content: { "application/json": { schema: "TemplateDetail" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/templates/{name}",
    method: "put",
    operationId: "saveTemplate",
    tags: ["Templates"],
    summary: "Save a template (checklist as code)",
    description:
      "A new immutable version when the meaning changed (201); 200 with the latest version when it did not (comments and key order don't count). The document's `name` must be the one in the URL. Needs the `templates:write` token permission or the admin role. `npx shipcheck template push` does this from CI.",
    parameters: [PATH.project, PATH.name],
    requestBody: {
      content: {
        "application/yaml": { text: "The template as YAML (see GET /api/v1/schemas/template.json). Also accepted: application/x-yaml, text/yaml, text/plain." },
        "application/json": { schema: "Template" },
      },
    },
    responses: {
      201: { description: "A new version was saved.", content: { "application/json": { schema: "TemplateSaved" } } },
      200: { description: "Nothing changed; no new version.", content: { "application/json": { schema: "TemplateSaved" } } },
    },
    errors: BODY_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/templates/{name}/import",
    method: "post",
    operationId: "importTemplate",
    tags: ["Templates"],
    summary: "Turn a Markdown checklist into a template",
    description: "Returns the parsed template for review; with `?save=1` also saves it as a new version (201 when one was created).",
    parameters: [
      PATH.project,
      PATH.name,
      { name: "save", in: "query", description: "`1` or `true`: save the result as a new version.", schema: { type: "string", enum: ["1", "true"] } },
    ],
    requestBody: {
      content: { "text/markdown": { text: "The checklist as Markdown (also text/x-markdown, text/plain), up to 5 MB." } },
    },
    responses: {
      200: { description: "Parsed (and, with ?save=1, unchanged since the latest version).", content: { "application/json": { schema: "TemplateImport" } } },
      201: { description: "Parsed and saved as a new version.", content: { "application/json": { schema: "TemplateImport" } } },
    },
    errors: BODY_ERRORS,
  },
  {
    path: "/api/v1/webhooks/github",
    method: "post",
    operationId: "receiveGithubWebhook",
    tags: ["Webhooks"],
    summary: "GitHub webhook: workflow runs, jobs and checks become results; deployment protection rules and deployment statuses",
    description:
      "No bearer token: the project is found by `repository.full_name` (linked in the project's Settings) and the delivery is verified with `X-Hub-Signature-256` against the secret stored there. Results go to every release of the project built from the event's head commit, keyed `github:<workflow>` (workflow_run), `github:<workflow>/<job>` (workflow_job), `github:<app>/<check run>` (check_run) or `github:<app>` (check_suite). `deployment_protection_rule` is answered at its `deployment_callback_url` as the project's GitHub App, from the gate of the environment of the same name for the release built from `deployment.sha`; a successful `deployment_status` records a deploy. A redelivery (same X-GitHub-Delivery) stores nothing.",
    auth: "github",
    parameters: [
      { name: "X-GitHub-Event", in: "header", required: true, description: "The event name.", schema: { type: "string" } },
      { name: "X-GitHub-Delivery", in: "header", required: true, description: "The delivery's id; deliveries are deduplicated by it.", schema: { type: "string" } },
      {
        name: "X-Hub-Signature-256",
        in: "header",
        required: true,
        description: "`sha256=` + HMAC-SHA256 of the raw body with the webhook's secret.",
        schema: { type: "string", pattern: "^sha256=[0-9a-fA-F]{64}$" },
      },
    ],
    requestBody: {
      content: {
        "application/json": { schema: "GithubEventPayload" },
        "application/x-www-form-urlencoded": { schema: "GithubFormPayload" },
      },
    },
    responses: {
      200: { description: "A ping, or a delivery already received.", content: { "application/json": { schema: "GithubAcknowledged" } } },
      201: { description: "Results recorded, or (deployment_status) a deploy.", content: { "application/json": { schema: "GithubCreated" } } },
      202: {
        description: "Valid, but nothing to record (another event or action, no release for the commit); or a deployment protection rule request taken.",
        content: { "application/json": { schema: "GithubTaken" } },
      },
    },
    errors: [400, 401, 404, 413, 422],
  },
  {
    path: "/api/v1/webhooks/gitlab",
    method: "post",
    operationId: "receiveGitlabWebhook",
    tags: ["Webhooks"],
    summary: "GitLab webhook: Deployment events; blocked deployments are approved or rejected from the gate",
    description:
      "No bearer token: the project is found by the payload's `project.id` (linked in the project's Settings) and the delivery is authenticated by `X-Gitlab-Token`, the secret token Shipcheck generated for the link (compared in constant time with its stored hash). A deployment `blocked` on a protected environment whose GitLab environment is named like a Shipcheck environment (else its tier) waits for the gate of the release built from its commit (the full SHA at the end of `commit_url`, else `short_sha`): Shipcheck calls GitLab's `POST /projects/:id/deployments/:deployment_id/approval` with `approved` once the gate is open, `rejected` as soon as something failed or was rejected, and nothing while evidence is only missing. A delivery (`Idempotency-Key`, else `X-Gitlab-Event-UUID`) and a deployment are taken once. See docs/ci.md.",
    auth: "gitlab",
    parameters: [
      { name: "X-Gitlab-Event", in: "header", required: true, description: "`Deployment Hook`; other events are acknowledged (202) and ignored.", schema: { type: "string" } },
      { name: "X-Gitlab-Token", in: "header", required: true, description: "The link's webhook secret token (`glwh_…`).", schema: { type: "string" } },
      { name: "Idempotency-Key", in: "header", description: "GitLab's id of the delivery, the same on its retries.", schema: { type: "string" } },
      { name: "X-Gitlab-Event-UUID", in: "header", description: "The event's id; used when there is no Idempotency-Key.", schema: { type: "string" } },
    ],
    requestBody: { content: { "application/json": { schema: "GitlabDeploymentPayload" } } },
    responses: {
      200: { description: "A delivery or deployment already received.", content: { "application/json": { schema: "GitlabAcknowledged" } } },
      201: { description: "The deployment waits for Shipcheck; `answer` says what was answered so far.", content: { "application/json": { schema: "GitlabAccepted" } } },
      202: { description: "Authentic, but nothing to answer (another event or status, an environment Shipcheck does not have).", content: { "application/json": { schema: "GitlabIgnored" } } },
    },
    errors: [400, 401, 404, 413, 415],
  },
  {
    path: "/api/v1/projects/{project}/integrations/gitlab",
    method: "get",
    operationId: "getGitlabLink",
    tags: ["Integrations"],
    summary: "The project's GitLab link and the latest deployments it answered (never the tokens)",
    description: "Project admins only (people, not tokens).",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "The link.", content: { "application/json": { schema: "GitlabLink" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/integrations/gitlab",
    method: "put",
    operationId: "setGitlabLink",
    tags: ["Integrations"],
    summary: "Link the project to a GitLab project, or change the link",
    description:
      "`{\"baseUrl\",\"projectId\",\"accessToken\"?}`: GitLab's address (http or https, no credentials), the GitLab project's numeric id, and the access token (scope `api`) of the GitLab user named as an approver of the protected environments. The token is stored to call GitLab and is never returned or logged; left out, the stored one is kept. A new link answers 201 with the webhook secret token (`glwh_…`), the only time it is shown. Project admins only. Audited as `project.gitlab_linked`, without the tokens.",
    auth: "session",
    parameters: [PATH.project],
    requestBody: { content: { "application/json": { schema: "SetGitlabLink" } } },
    responses: {
      200: { description: "Changed.", content: { "application/json": { schema: "GitlabLinkSaved" } } },
      201: { description: "Linked; the answer carries the webhook secret token.", content: { "application/json": { schema: "GitlabLinkSaved" } } },
    },
    errors: BODY_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/integrations/gitlab",
    method: "delete",
    operationId: "removeGitlabLink",
    tags: ["Integrations"],
    summary: "Unlink GitLab: the access token is deleted, waiting deployments are left to people",
    description: "Project admins only. Audited as `project.gitlab_unlinked`.",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "Unlinked.", content: { "application/json": { schema: "GitlabUnlinked" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/integrations/gitlab/webhook-token",
    method: "post",
    operationId: "rotateGitlabWebhookToken",
    tags: ["Integrations"],
    summary: "A new webhook secret token for the GitLab link (shown once); the old one stops working",
    description: "Project admins only. Audited as `project.gitlab_webhook_token_rotated`.",
    auth: "session",
    parameters: [PATH.project],
    responses: { 201: { description: "The new token.", content: { "application/json": { schema: "GitlabWebhookToken" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/badge-key",
    method: "get",
    operationId: "getBadgeKey",
    tags: ["Integrations"],
    summary: "Whether the project has a public badge key (never the key)",
    description: "Project admins only (people, not tokens).",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "The key's state.", content: { "application/json": { schema: "BadgeKey" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/badge-key",
    method: "post",
    operationId: "createBadgeKey",
    tags: ["Integrations"],
    summary: "Create or rotate the public badge key; the key and the badges' Markdown are in this answer only",
    description:
      "256 random bits (`bdg_…`); only its SHA-256 is kept. Rotating makes the old key's badges 404 at once. Project admins only. Audited as `project.badge_key_created` / `project.badge_key_rotated`, without the key.",
    auth: "session",
    parameters: [PATH.project],
    responses: { 201: { description: "The new key.", content: { "application/json": { schema: "BadgeKeyCreated" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/projects/{project}/badge-key",
    method: "delete",
    operationId: "removeBadgeKey",
    tags: ["Integrations"],
    summary: "Remove the public badge key: its badges 404",
    description: "Project admins only. Audited as `project.badge_key_removed`.",
    auth: "session",
    parameters: [PATH.project],
    responses: { 200: { description: "Removed.", content: { "application/json": { schema: "BadgeKey" } } } },
    errors: READ_ERRORS,
  },
  {
    path: "/api/v1/badges/{key}/{release}/{environment}",
    method: "get",
    operationId: "getPublicBadge",
    tags: ["Gate"],
    summary: "The gate as an SVG badge for a README: no credentials, only the gate's state",
    description:
      "`/api/v1/badges/<key>/<release or latest>/<environment>.svg`, with the project's public badge key. The badge reads `<environment> gate | open`, `closed` or `overridden` and nothing else: no reasons, names or counts. `latest` is the project's newest release that is not abandoned. A wrong or removed key, an unknown release or environment: the same 404. Cached for 60 seconds.",
    auth: "public",
    parameters: [
      { name: "key", in: "path", required: true, description: "The project's public badge key (`bdg_…`).", schema: { type: "string" } },
      { name: "release", in: "path", required: true, description: "A release's version, or `latest`.", schema: { type: "string" } },
      { name: "environment", in: "path", required: true, description: "The environment's name followed by `.svg`.", schema: { type: "string", pattern: "\\.svg$" } },
    ],
    responses: { 200: { description: "The badge.", content: { "image/svg+xml": { text: "A small flat SVG badge." } } } },
    errors: [404],
  },
  {
    path: "/api/v1/webhooks/alertmanager",
    method: "post",
    operationId: "receiveAlerts",
    tags: ["Webhooks"],
    summary: "Alertmanager webhook receiver: firing alerts feed `watch` items",
    description:
      "Alertmanager's webhook JSON (version 4), with the project's API token as bearer credentials (`results:write`). Each alert's environment is its `environment` (or `env`) label, else `?environment=`; alerts are recorded against the release deployed there.",
    auth: "token",
    parameters: [
      { name: "environment", in: "query", description: "The environment for alerts without an `environment` label.", schema: { type: "string" } },
    ],
    requestBody: { content: { "application/json": { schema: "AlertmanagerPayload" } } },
    responses: { 201: { description: "Alerts recorded.", content: { "application/json": { schema: "AlertsReceived" } }, headers: ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] } },
    errors: [...BODY_ERRORS, 429],
  },
];

// ---------------------------------------------------------------------------------------------
// Lookups for tests and tools

/** The zod schema documenting one response; null when that status is not documented for the operation. */
export function documentedResponse(path: string, method: HttpMethod, status: number): { name: SchemaName; schema: z.ZodType } | null {
  const operation = OPERATIONS.find((o) => o.path === path && o.method === method);
  if (!operation) return null;
  if ((operation.errors as number[]).includes(status)) return { name: "Error", schema: responses.errorSchema };
  const media = Object.values(operation.responses[status]?.content ?? {})[0];
  if (!media || !("schema" in media)) return null;
  return { name: media.schema, schema: COMPONENT_SCHEMAS[media.schema].schema };
}

// ---------------------------------------------------------------------------------------------
// The document

const HEADERS = {
  "X-Request-Id": {
    description: "The request's id (yours, from an X-Request-Id request header, or a new one); also in the audit trail and the server log.",
    required: true,
    schema: { type: "string" },
  },
  "Retry-After": { description: "Seconds to wait before retrying (until the rate-limit window or the lock ends, or the instance has room again).", required: true, schema: { type: "integer", minimum: 1 } },
  "Set-Cookie": { description: "The session cookie: a new one that continues this session, or its removal.", required: true, schema: { type: "string" } },
  "WWW-Authenticate": { description: '`Bearer realm="shipcheck"`', required: true, schema: { type: "string" } },
  "Idempotent-Replayed": {
    description: "`true` when this is the stored response to an earlier request with the same Idempotency-Key; absent otherwise.",
    required: false,
    schema: { type: "string", enum: ["true"] },
  },
  Location: { description: "The path of what was created.", required: true, schema: { type: "string" } },
  "RateLimit-Limit": { description: "Requests the caller may make per minute (on requests counted against that budget: reports, metrics, alerts).", required: false, schema: { type: "integer", minimum: 1 } },
  "RateLimit-Remaining": { description: "Of those, how many are left in this minute.", required: false, schema: { type: "integer", minimum: 0 } },
  "RateLimit-Reset": { description: "Seconds until the minute's budget starts afresh.", required: false, schema: { type: "integer", minimum: 1 } },
  Link: { description: '`<…?cursor=…>; rel="next"` while there is a next page; absent on the last.', required: false, schema: { type: "string" } },
} as const;

type HeaderName = keyof typeof HEADERS;

/** Header objects for a response: X-Request-Id on everything the API's route wrapper answers. */
const headerRefs = (names: readonly string[] = [], requestId = true) =>
  Object.fromEntries([...(requestId ? ["X-Request-Id"] : []), ...names].map((name) => [name, { $ref: `#/components/headers/${name as HeaderName}` }]));

const SECURITY: Record<NonNullable<Operation["auth"]>, Record<string, string[]>[]> = {
  any: [{ apiToken: [] }, { session: [] }],
  session: [{ session: [] }],
  token: [{ apiToken: [] }],
  public: [],
  github: [],
  gitlab: [],
};

function mediaObject(media: Media) {
  if ("schema" in media) return { schema: ref(media.schema) };
  if ("oneOf" in media) return { schema: { oneOf: media.oneOf.map(ref), description: media.description } };
  return { schema: { type: "string", description: media.text } };
}

function operationObject(operation: Operation) {
  // Health and the published documents are plain handlers: no request id, no error body.
  const wrapped = operation.auth !== "public";
  const responsesObject: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    const headers = headerRefs(response.headers, wrapped);
    responsesObject[status] = {
      description: response.description,
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(response.content ? { content: Object.fromEntries(Object.entries(response.content).map(([type, media]) => [type, mediaObject(media)])) } : {}),
    };
  }
  for (const status of [...operation.errors].sort((a, b) => a - b)) responsesObject[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };
  if (wrapped) responsesObject["500"] = { $ref: "#/components/responses/InternalError" };
  return {
    operationId: operation.operationId,
    tags: operation.tags,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    security: SECURITY[operation.auth ?? "any"],
    ...(operation.parameters?.length ? { parameters: operation.parameters } : {}),
    ...(operation.requestBody
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(Object.entries(operation.requestBody.content).map(([type, media]) => [type, mediaObject(media)])),
          },
        }
      : {}),
    responses: responsesObject,
  };
}

function buildDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) (paths[operation.path] ??= {})[operation.method] = operationObject(operation);

  const errorResponses = Object.fromEntries(
    Object.values(ERROR_RESPONSES).map((e) => [
      e.name,
      { description: e.description, headers: headerRefs("headers" in e ? e.headers : []), content: { "application/json": { schema: ref("Error") } } },
    ]),
  );

  return {
    openapi: "3.1.1",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Shipcheck API",
      version: "1.0.0",
      summary: "Release checklists and deploy gates: CI results, metrics, sign-offs and an explainable gate per environment.",
      description: [
        "Machines authenticate with a project API token (`Authorization: Bearer shp_…`, created with `npx shipcheck token create`); people with the session cookie of a signed-in browser, and their writes must carry this site's `Origin`.",
        'Errors are `{"error":{"code","message","details"?}}`. Every response carries `X-Request-Id`.',
        "Results, metrics and alerts count against a per-caller budget (600 requests per minute by default, `SHIPCHECK_RATE_LIMIT_PER_MINUTE`): past it, 429 with `Retry-After`.",
        "See docs/ci.md for CI set-up.",
      ].join("\n\n"),
    },
    servers: [{ url: "/", description: "This Shipcheck server" }],
    security: SECURITY.any,
    tags: [
      { name: "Releases", description: "Releases and their checklists." },
      { name: "Results", description: "CI results and metrics." },
      { name: "Gate", description: "Whether a release may deploy, and why not." },
      { name: "Sign-offs", description: "Manual items, signed off by people." },
      { name: "Templates", description: "Checklist templates and their versions." },
      { name: "Webhooks", description: "GitHub, GitLab and Alertmanager deliveries." },
      { name: "Integrations", description: "A project's GitLab link and its public badge key." },
      { name: "Audit", description: "The hash-chained audit trail, its signed checkpoints, the evidence pack and the key they are signed with." },
      { name: "Members", description: "People of a project and their roles." },
      { name: "Notifications", description: "Outgoing webhooks of a project (Standard Webhooks or Slack/Teams JSON), their deliveries and attempts." },
      { name: "Account", description: "Your own password, sessions and notification choices." },
      { name: "Service", description: "Health and this document." },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(COMPONENT_SCHEMAS).map(([name, { schema, io }]) => [name, jsonSchemaOf(schema, io)])),
      responses: {
        ...errorResponses,
        InternalError: { description: "Unexpected server error.", headers: headerRefs(), content: { "application/json": { schema: ref("InternalError") } } },
      },
      headers: HEADERS,
      securitySchemes: {
        apiToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "shp_…",
          description: "A project API token: `shp_` followed by 49 letters and digits. Created with `npx shipcheck token create --project <slug> --name ci` (shown once).",
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description:
            "The session of a person signed in to Shipcheck (`__Host-next-auth.session-token`, Secure, when the public URL is HTTPS). Writes with it must carry this site's `Origin` header.",
        },
      },
    },
  };
}

let built: JsonSchema | null = null;

/** The document, built once per process (it depends on nothing but code). */
export function openApiDocument(): JsonSchema {
  built ??= buildDocument();
  return built;
}

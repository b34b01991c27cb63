// What the API answers, as zod schemas: the OpenAPI document is generated from them and the API
// tests check real responses against them, so the document cannot drift from the use cases.
// Objects are strict (additionalProperties: false): a field added to a use case's return value
// fails the tests until it is documented here.
import { z } from "zod";
import { NOTIFICATION_TYPES } from "@/lib/notifications/events";
import type { ErrorCode } from "@/lib/errors";
import { CELL_ALIGNS, RENDERED_TAGS } from "@/lib/templates/rendered-markdown";
import { PHASES, ROLES, templateSchema } from "@/lib/templates/schema";
import { RELEASE_STATUSES } from "@/lib/validation/release-list";

/** An ISO 8601 instant as `Date.toISOString()` writes it. */
const instant = z.iso.datetime();
const count = z.number().int().min(0);
const role = z.enum(ROLES);
const resultStatus = z.enum(["passed", "failed", "skipped", "flaky"]);

// ---------------------------------------------------------------------------------------------
// Errors (lib/http/respond.ts)

export const ERROR_CODES = [
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "validation_failed",
  "rate_limited",
  "service_unavailable",
  "method_not_allowed",
] as const satisfies readonly ErrorCode[];

export const errorDetailSchema = z.strictObject({
  path: z.string().meta({ description: "Dotted path of the offending field; empty for the document as a whole." }),
  message: z.string(),
  line: z.number().int().positive().optional().meta({ description: "Line in the submitted document (YAML templates, JUnit XML)." }),
  column: z.number().int().positive().optional(),
});

export const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string().min(1).meta({ description: "One sentence a person can act on." }),
      details: z.array(errorDetailSchema).optional(),
    }),
  })
  .meta({ description: 'Every 4xx answer, and 503 when the database cannot be reached: `{"error":{"code","message","details"?}}`.' });

export const internalErrorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.literal("internal"),
      message: z.string(),
      requestId: z.string().meta({ description: "Also in the X-Request-Id header; quote it when reporting the problem." }),
    }),
  })
  .meta({ description: "An unexpected server error. Nothing was changed." });

// ---------------------------------------------------------------------------------------------
// Health (lib/server/check-database.ts)

export const healthSchema = z.strictObject({
  status: z.enum(["ok", "unavailable"]),
  database: z.strictObject({
    ok: z.boolean(),
    latencyMs: count.optional(),
    error: z.string().optional(),
  }),
});

// ---------------------------------------------------------------------------------------------
// Gate (lib/gate/types.ts, lib/server/get-gate.ts)

export const blockerSchema = z.strictObject({
  item: z.string().meta({ description: "The item's key; `environment:<name>` for a closed earlier environment, `project-lock` for a deploy lock." }),
  title: z.string(),
  reason: z.enum(["pending", "failed", "flaky", "metric", "approvals", "rejected", "stale", "previous-environment", "locked"]).meta({
    description: "`flaky`: a check with `flaky: block` has tests that passed only on retry. `rejected`: someone who may sign the manual item rejected it for this commit, and nobody has signed it off since. `stale`: the evidence is for an earlier commit. `previous-environment`: the earlier environment's checklist is not met (an override of it does not count).",
  }),
  detail: z.string().meta({ description: 'Why, in words: "2 of 5 tests failed", "needs 1 more sign-off from release-manager", "tested on abc1234, release is now def5678".' }),
  failures: z
    .array(z.strictObject({ key: z.string(), message: z.string().nullable().meta({ description: "The first line of the failure message." }) }))
    .optional()
    .meta({ description: "A failed check: its first failing tests." }),
  moreFailures: count.optional().meta({ description: "How many failing tests there are beyond `failures`." }),
  rejection: z
    .strictObject({ by: z.string(), reason: z.string(), commit: z.string(), at: instant })
    .optional()
    .meta({ description: "A rejected manual item: who rejected it, why, for which commit, when." }),
});

export const gateDecisionSchema = z.strictObject({
  environment: z.string(),
  open: z.boolean(),
  overridden: z.boolean().meta({ description: "Opened by an administrator's written override, not by the checklist." }),
  override: z.strictObject({ environment: z.string(), reason: z.string(), by: z.string() }).nullable(),
  blocking: z.array(blockerSchema),
});

export const gateReportSchema = z.strictObject({
  release: z.string(),
  environment: z.string(),
  open: z.boolean(),
  overridden: z.boolean(),
  blocking: z.array(blockerSchema),
});

const gatesByEnvironment = z.record(z.string(), gateDecisionSchema).meta({ description: "Gate per environment name." });

// ---------------------------------------------------------------------------------------------
// Evidence, overrides, locks, rollback decisions, rebuilds (lib/server/sign-off-item.ts,
// gate-override.ts, project-lock.ts, rollback-decision.ts, update-release-commit.ts)

export const evidenceFileSchema = z.strictObject({
  id: z.uuid(),
  filename: z.string().meta({ description: "Sanitised; its extension matches the checked type." }),
  contentType: z.enum(["image/png", "image/jpeg", "application/pdf", "application/json"]).meta({ description: "Decided from the content (HAR and JSON are application/json)." }),
  size: count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const gateOverrideViewSchema = z.strictObject({
  id: z.uuid(),
  environment: z.string(),
  reason: z.string(),
  by: z.string(),
  createdAt: instant,
  liftedAt: instant.nullable(),
  liftedBy: z.string().nullable(),
});

export const gateOverrideCreatedSchema = gateOverrideViewSchema.extend({
  release: z.string(),
  blocking: z.array(blockerSchema).meta({ description: "What still blocks the gate: the override opens it, it does not satisfy these." }),
});

export const gateOverrideLiftedSchema = gateOverrideViewSchema.extend({ release: z.string() });

export const projectLockViewSchema = z.strictObject({
  reason: z.string(),
  by: z.string().nullable(),
  at: instant.nullable(),
});

export const projectLockStateSchema = z.strictObject({
  project: z.string(),
  locked: z.boolean(),
  lock: projectLockViewSchema.nullable(),
});

export const rollbackDecisionViewSchema = z.strictObject({
  id: z.uuid(),
  environment: z.string(),
  decision: z.enum(["rolled_back", "keep"]),
  toVersion: z.string().nullable(),
  reason: z.string(),
  by: z.string(),
  createdAt: instant,
});

export const rollbackDecisionCreatedSchema = rollbackDecisionViewSchema.extend({
  release: z.string(),
  status: z.enum(["in_progress", "ready", "deployed", "rolled_back", "abandoned"]).meta({ description: "The release's status after the decision (`rolled_back` after a rollback)." }),
});

export const releaseUpdatedSchema = z.strictObject({
  version: z.string(),
  commit: z.string(),
  previousCommit: z.string(),
  changed: z.boolean().meta({ description: "False when the commit was already the release's." }),
  status: z.enum(["in_progress", "ready", "deployed", "rolled_back", "abandoned"]),
  staleSignOffs: count.meta({ description: "Sign-offs (not revoked) for another commit: shown greyed, no longer counted." }),
  liftedOverrides: count.meta({ description: "Gate overrides lifted because they were given for the old build." }),
});

// ---------------------------------------------------------------------------------------------
// Release state (lib/server/get-release-state.ts)

export const signOffViewSchema = z.strictObject({
  id: z.uuid(),
  by: z.string(),
  userId: z.uuid(),
  role,
  comment: z.string().nullable(),
  commitSha: z.string(),
  createdAt: instant,
  revokedAt: instant.nullable(),
  revokeReason: z.string().nullable(),
  stale: z.boolean().meta({ description: "Signed for an earlier commit of the release: shown, but no longer counts." }),
  evidenceUrl: z.string().nullable().meta({ description: "Evidence given as an http(s) link." }),
  evidence: evidenceFileSchema
    .nullable()
    .meta({ description: "Evidence given as a file: GET …/evidence/{id} serves it as a download." }),
});

export const rejectionViewSchema = z.strictObject({
  id: z.uuid(),
  by: z.string(),
  userId: z.uuid(),
  role,
  reason: z.string(),
  commitSha: z.string(),
  createdAt: instant,
  standing: z.boolean().meta({ description: "For the release's commit, and nobody has signed the item off since: the gate is closed with reason `rejected`." }),
  stale: z.boolean().meta({ description: "For an earlier commit of the release: history, it no longer blocks." }),
});

const itemResultSchema = z.strictObject({
  key: z.string(),
  variant: z.string().nullable(),
  status: resultStatus,
  durationMs: count.nullable(),
  runUrl: z.string().nullable(),
  at: instant,
});

export const itemResultsSchema = z.strictObject({
  item: z.string(),
  environment: z.string(),
  total: count.meta({ description: "Matching results in all (with `status`, of that status)." }),
  offset: count,
  results: z.array(itemResultSchema).meta({ description: "Failed first, then flaky, skipped and passed; by key within each." }),
});

export const itemEnvironmentStateSchema = z.strictObject({
  status: z.enum(["passed", "failed", "pending", "stale", "rejected", "watching", "not-applicable"]),
  summary: z.string(),
  gating: z.boolean().meta({ description: "Counts toward this environment's gate." }),
  failures: z.array(z.strictObject({ key: z.string(), message: z.string().nullable() })).meta({ description: "The first 50 failing tests." }),
  failureCount: count.meta({ description: "How many tests fail in all." }),
  results: z.array(itemResultSchema).meta({ description: "The first 50 matching results, those that did not pass first; GET …/items/{itemKey}/results pages through all of them." }),
  resultCount: count.meta({ description: "How many results match in all." }),
  resultCounts: z.strictObject({ passed: count, failed: count, flaky: count, skipped: count }),
  lastRun: z.strictObject({ at: instant, runUrl: z.string().nullable() }).nullable().meta({ description: "The newest matching run." }),
  signOffs: z.array(signOffViewSchema),
  rejection: rejectionViewSchema.nullable().meta({ description: "The standing rejection the gate names (the latest, when several stand)." }),
  rejections: z.array(rejectionViewSchema).meta({ description: "Every rejection of the item for this environment, oldest first." }),
  steps: z.array(z.strictObject({ text: z.string(), ticked: z.boolean(), by: z.string().nullable(), at: instant.nullable() })),
  awaitingDeployTo: z.string().nullable().meta({ description: "A verifyOn item whose environment has no recorded deploy of the current commit yet: it cannot be signed off until then." }),
  reading: z
    .strictObject({
      query: z.string(),
      value: z.number().nullable().meta({ description: "null: no usable value (no sample, several series, NaN, an error, a timeout, Prometheus unreachable)." }),
      error: z.string().nullable().meta({ description: "Why there is no value." }),
      ranAt: instant,
      environment: z.string().nullable(),
    })
    .nullable()
    .meta({ description: "An item with a PromQL query: the latest reading that counts here (for the current commit; a watch item's, since the latest deploy)." }),
});

const renderedParent = z.number().int().min(-1).meta({ description: "Index of an earlier node in `nodes`, or -1 for the top level." });

export const renderedMarkdownSchema = z
  .strictObject({
    nodes: z.array(
      z.union([
        z.strictObject({ parent: renderedParent, text: z.string().meta({ description: "Text, shown as text." }) }),
        z.strictObject({
          parent: renderedParent,
          tag: z.enum(RENDERED_TAGS).meta({ description: "`heading` shows as a bold paragraph; `plain` is text kept as written, line breaks included." }),
          href: z.string().optional().meta({ description: "`a`: an http(s), mailto or relative address." }),
          start: z.number().int().optional().meta({ description: "`ol`: the first number." }),
          checked: z.boolean().optional().meta({ description: "`checkbox`: a task list item's box." }),
          align: z.enum(CELL_ALIGNS).optional().meta({ description: "`th`, `td`." }),
        }),
      ]),
    ),
  })
  .meta({ description: "Markdown rendered once, when the template was saved: a flat list of nodes, each under the earlier node it names as `parent`." });

export const releaseItemSchema = z.strictObject({
  key: z.string(),
  title: z.string(),
  kind: z.enum(["check", "metric", "manual", "watch"]),
  required: z.boolean(),
  instructions: z.string().nullable().meta({ description: "Markdown." }),
  renderedInstructions: renderedMarkdownSchema.nullable(),
  requirement: z.string().meta({ description: "What satisfies the item, in words." }),
  query: z.string().nullable().meta({ description: "Metric and watch items read from Prometheus: the PromQL query Shipcheck runs (docs/templates.md)." }),
  signOffRole: role.nullable(),
  signers: z
    .array(z.strictObject({ userId: z.string(), name: z.string() }))
    .meta({ description: "Manual items: the project's members whose sign-off would count (the role or above), by name. Empty for other kinds." }),
  verifyOn: z.string().nullable().meta({ description: "Done on this environment after its deploy there, gating the environments after it; sign-offs are given for it. Null: done before each deploy." }),
  evidence: z.enum(["none", "optional", "required"]).nullable().meta({ description: "Manual items: whether a sign-off needs evidence (a link or a file)." }),
  version: count.meta({ description: "Bumped by every sign-off, revocation and rejection: send it as `expectedVersion` when signing off or rejecting." }),
  assignee: z
    .strictObject({ userId: z.uuid(), name: z.string(), assignedAt: instant })
    .nullable()
    .meta({ description: "Manual items: the member expected to do it (for every environment); it comes first in their queue." }),
  environments: z.record(z.string(), itemEnvironmentStateSchema),
});

export const releaseStateSchema = z.strictObject({
  project: z.strictObject({ slug: z.string(), name: z.string() }),
  release: z.strictObject({
    version: z.string(),
    commitSha: z.string(),
    status: z.enum(["in_progress", "ready", "deployed", "rolled_back", "abandoned"]),
    createdAt: instant,
    template: z.string(),
    templateVersion: z.number().int().positive(),
  }),
  environments: z.array(z.string()).meta({ description: "In deploy order." }),
  gates: gatesByEnvironment,
  rollback: z
    .record(
      z.string(),
      z.strictObject({
        recommended: z.boolean().meta({ description: "A watch item tripped since the deploy: Rollback recommended." }),
        deployedAt: instant.nullable().meta({ description: "When the release was deployed to the environment; null when it was not." }),
        reasons: z.array(z.strictObject({ item: z.string(), title: z.string(), detail: z.string() })),
        decision: rollbackDecisionViewSchema
          .optional()
          .meta({ description: "The release manager's decision about the latest deploy here; once there is one, `recommended` is false." }),
      }),
    )
    .meta({ description: "Per environment: should the release roll back, and why." }),
  rollbackDecisions: z.array(rollbackDecisionViewSchema).meta({ description: "Every rollback decision about the release, newest first." }),
  rollbackTargets: z.array(z.string()).meta({ description: "Other releases of the project, newest first (where a rollback can go)." }),
  lock: projectLockViewSchema
    .nullable()
    .meta({ description: "The project's deploy lock; while set, every gate is closed with reason `locked`." }),
  overrides: z.array(gateOverrideViewSchema).meta({ description: "Every gate override of the release, active (liftedAt null) and lifted, newest first." }),
  sections: z.array(z.strictObject({ title: z.string(), phase: z.enum(PHASES), items: z.array(releaseItemSchema) })),
  rollbackInstructions: z.string().nullable(),
  renderedRollbackInstructions: renderedMarkdownSchema.nullable(),
  unmatched: z
    .array(z.strictObject({ key: z.string(), status: resultStatus, environment: z.string().nullable() }))
    .meta({ description: "Latest results for the release's commit that no item's pattern covers (at most 200)." }),
  unmatchedCount: count,
  viewer: z.strictObject({
    role: role.nullable().meta({ description: "The caller's role when it may sign off; null for tokens and viewers." }),
    userId: z.uuid().nullable(),
    canAssign: z.boolean().meta({ description: "The caller may assign manual items (release-manager or above, people only)." }),
  }),
});

export const releaseSummarySchema = z.strictObject({
  version: z.string(),
  commitSha: z.string(),
  status: z.enum(RELEASE_STATUSES),
  createdAt: instant,
  template: z.string(),
  templateVersion: z.number().int().min(1),
  gates: z.array(gateDecisionSchema).meta({ description: "Per environment, in deploy order." }),
  environments: z.array(
    z.strictObject({
      environment: z.string(),
      gate: gateDecisionSchema,
      deployedAt: instant.nullable().meta({ description: "The release's latest deploy there." }),
      rolledBackAt: instant.nullable().meta({ description: "Set when rolled back there after that deploy." }),
    }),
  ),
  rollbackRecommended: z.array(z.string()).meta({ description: "Environments where a watch item tripped after the deploy." }),
});

export const releaseListSchema = z.strictObject({
  project: z.strictObject({ slug: z.string(), name: z.string(), environments: z.array(z.string()) }),
  releases: z.array(releaseSummarySchema),
  nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last." }),
});

export const releaseCreatedSchema = z.strictObject({
  version: z.string(),
  commit: z.string(),
  status: z.enum(["in_progress", "ready", "deployed", "rolled_back", "abandoned"]),
});

export const deploymentSchema = z.strictObject({
  id: z.uuid(),
  release: z.string(),
  environment: z.string(),
  commit: z.string(),
  overridden: z.boolean().meta({ description: "Deployed through an administrator's override of a closed gate." }),
  deployedAt: instant,
  deployedBy: z.string().meta({ description: "The person's name or email, or the token's name." }),
});

// ---------------------------------------------------------------------------------------------
// Results and metrics (lib/server/record-results.ts, record-metrics.ts)

export const ingestReportSchema = z.strictObject({
  delivery: z.uuid(),
  accepted: count,
  commit: z.string(),
  countsForRelease: z.boolean().meta({ description: "False when the results are for another commit than the release's: kept, but they don't count." }),
  matched: z.array(z.strictObject({ item: z.string(), results: count })),
  unmatched: z.array(z.string()).meta({ description: "Keys no item's pattern covers (the first 100)." }),
  unmatchedCount: count,
  warnings: z.array(z.string()).meta({ description: "What the sender should fix, such as keys that still start with an absolute path (pass `baseDir`). The results are recorded all the same." }),
  gate: gatesByEnvironment.meta({ description: "The gate after ingestion (after the reports stored with this one, when several for the release arrived together): the request's environment, or every environment." }),
});

export const metricsReportSchema = z.strictObject({
  delivery: z.uuid(),
  accepted: count,
  commit: z.string(),
  countsForRelease: z.boolean(),
  unmatched: z.array(z.string()).meta({ description: "Metric names no item uses." }),
  gate: gatesByEnvironment,
});

export const resultHistorySchema = z.strictObject({
  key: z.string(),
  release: z.string(),
  runs: z.array(
    z.strictObject({
      status: resultStatus,
      message: z.string().nullable(),
      durationMs: count.nullable(),
      environment: z.string().nullable(),
      commit: z.string(),
      countsForRelease: z.boolean(),
      runId: z.string().nullable(),
      runUrl: z.string().nullable(),
      source: z.string().meta({ description: "json, junit, ctrf or github." }),
      at: instant,
    }),
  ),
  earlierReleases: z.array(z.strictObject({ version: z.string(), status: resultStatus, runUrl: z.string().nullable(), at: instant })),
});

// ---------------------------------------------------------------------------------------------
// Sign-offs and steps (lib/server/sign-off-item.ts, revoke-sign-off.ts, tick-step.ts)

export const signOffCreatedSchema = z.strictObject({
  id: z.uuid(),
  item: z.string(),
  environment: z.string(),
  commit: z.string(),
  role,
  createdAt: instant,
  itemVersion: count.meta({ description: "The item's version after this sign-off." }),
  evidenceUrl: z.string().nullable(),
  evidence: evidenceFileSchema.nullable(),
});

export const signOffRevokedSchema = z.strictObject({ id: z.uuid(), revokedAt: instant });

export const rejectionCreatedSchema = z.strictObject({
  id: z.uuid(),
  item: z.string(),
  environment: z.string(),
  commit: z.string(),
  role,
  reason: z.string(),
  createdAt: instant,
  revokedSignOff: z.uuid().nullable().meta({ description: "The caller's own sign-off for this environment and commit, revoked by the rejection." }),
  itemVersion: count.meta({ description: "The item's version after this rejection." }),
});

export const assignmentSchema = z.strictObject({
  item: z.string(),
  assignee: z.strictObject({ userId: z.uuid(), name: z.string() }).nullable(),
  assignedAt: instant.nullable(),
});

export const stepTickedSchema = z.strictObject({
  step: count,
  done: z.boolean(),
  changed: z.boolean().meta({ description: "False when the step was already in that state." }),
});

// ---------------------------------------------------------------------------------------------
// Templates (lib/server/get-templates.ts, save-template.ts, import-template.ts)

export const templateListSchema = z.strictObject({
  templates: z.array(z.strictObject({ name: z.string(), latestVersion: count, updatedAt: instant.nullable() })),
});

const itemRef = z.strictObject({ key: z.string(), title: z.string(), section: z.string() });

export const templateDiffSchema = z.strictObject({
  added: z.array(itemRef),
  removed: z.array(itemRef),
  changed: z.array(z.strictObject({ key: z.string(), title: z.string(), fields: z.array(z.string()) })),
  other: z.array(z.string()).meta({ description: "Template-level changes: sections, guarded paths, rollback instructions, description, name." }),
});

export const templateDetailSchema = z.strictObject({
  project: z.strictObject({ slug: z.string(), name: z.string() }),
  name: z.string(),
  versions: z
    .array(
      z.strictObject({
        version: z.number().int().positive(),
        createdAt: instant,
        digest: z.string().regex(/^[0-9a-f]{64}$/),
        source: z.string().meta({ description: "The YAML or JSON text as saved." }),
        definition: templateSchema,
        changes: templateDiffSchema.nullable().meta({ description: "Changes from the previous version; null for version 1." }),
      }),
    )
    .meta({ description: "Newest first." }),
});

export const templateSavedSchema = z.strictObject({
  template: z.string(),
  version: z.number().int().positive(),
  created: z.boolean().meta({ description: "False (HTTP 200) when the meaning did not change: no new version." }),
});

export const templateImportSchema = z.strictObject({
  template: templateSchema,
  warnings: z.array(z.string()).meta({ description: "What the importer decided that a reader might not expect." }),
  itemNotes: z
    .array(
      z.strictObject({
        section: z.number().int().min(0),
        item: z.number().int().min(0),
        key: z.string(),
        note: z.string(),
        because: z.string().meta({ description: "The words it was decided from, as written." }),
      }),
    )
    .meta({ description: "Per item (by section and item index): where it is done and what it gates, when decided from the text (`verifyOn`)." }),
  repairs: z
    .array(z.strictObject({ line: z.number().int().positive(), from: z.string(), to: z.string() }))
    .meta({ description: "Characters that were UTF-8 read as Mac Roman (`‚úÖ` for `✅`), repaired, with their line." }),
  repairedTitles: z
    .array(z.strictObject({ section: z.number().int().min(0), item: z.number().int().min(0).optional(), before: z.string(), after: z.string() }))
    .meta({ description: "Section and item titles those repairs changed; no `item` for a section's title." }),
  yaml: z.string().meta({ description: "The template as YAML, as it is (or would be) saved." }),
  saved: templateSavedSchema.nullable().meta({ description: "Null unless `?save=1`." }),
});

// ---------------------------------------------------------------------------------------------
// Webhooks (lib/server/receive-github-webhook.ts, receive-alerts.ts)

export const githubPingSchema = z.strictObject({ ok: z.literal(true), zen: z.string().nullable() });
export const githubDuplicateSchema = z.strictObject({ duplicate: z.literal(true), delivery: z.string() });
export const githubAcknowledgedSchema = z
  .union([githubPingSchema, githubDuplicateSchema])
  .meta({ description: "A `ping`, or a delivery already received (by X-GitHub-Delivery): nothing stored." });
export const githubIgnoredSchema = z.strictObject({ ignored: z.string().meta({ description: "Why nothing was stored." }), delivery: z.string() });
export const githubProtectionRuleSchema = z
  .strictObject({
    delivery: z.string(),
    environment: z.string(),
    release: z.string().nullable().meta({ description: "The release built from `deployment.sha`; null when there is none." }),
    answer: z.enum(["waiting", "rejected"]).meta({
      description: "`waiting`: the gate is evaluated and GitHub answered through the outbox (approved when open, rejected when something failed or was rejected, else later). `rejected`: no release for the commit, or no such environment.",
    }),
    reason: z.string().optional(),
  })
  .meta({ description: "A `deployment_protection_rule` request, stored and answered at `deployment_callback_url`." });
export const githubDeployRecordedSchema = z
  .strictObject({ delivery: z.string(), release: z.string(), environment: z.string(), deployment: z.uuid() })
  .meta({ description: "A successful `deployment_status`: the deploy recorded." });
export const githubLinkSchema = z.strictObject({
  project: z.string(),
  repository: z.string().nullable().meta({ description: '"owner/name", lower-case; null when unlinked.' }),
  secretSet: z.boolean().meta({ description: "Whether a webhook secret is stored (it is never returned)." }),
  appId: z.string().nullable().meta({ description: "The project's own GitHub App id; null: the instance's (SHIPCHECK_GITHUB_APP_ID), if any." }),
  privateKeySet: z.boolean().meta({ description: "Whether the project's App private key is stored (it is never returned)." }),
});
export const githubAcceptedSchema = z.strictObject({
  delivery: z.string(),
  event: z.string(),
  commit: z.string(),
  accepted: count,
  results: z.array(z.string()).meta({ description: "The result keys recorded (`github:<workflow>`, `github:<app>/<check run>`)." }),
  releases: z.array(z.strictObject({ version: z.string(), matched: z.array(z.strictObject({ item: z.string(), results: count })), unmatched: z.array(z.string()) })),
});

export const alertsReceivedSchema = z.strictObject({
  delivery: z.uuid(),
  recorded: count,
  alerts: z.array(
    z.strictObject({
      name: z.string(),
      status: z.enum(["firing", "resolved"]),
      environment: z.string(),
      release: z.string().nullable().meta({ description: "Null when no release is deployed to the environment." }),
    }),
  ),
});

// ---------------------------------------------------------------------------------------------
// Documents the API serves about itself

export const openApiDocumentSchema = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

export const jsonSchemaDocumentSchema = z.looseObject({ $schema: z.string(), type: z.literal("object") });


export const memberSchema = z.strictObject({ userId: z.uuid(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES), since: instant });
export const memberListSchema = z.strictObject({ members: z.array(memberSchema) });
export const memberAddedSchema = z.strictObject({
  userId: z.uuid(),
  email: z.string(),
  role: z.enum(ROLES),
  password: z.string().nullable().meta({ description: "Only when an instance administrator created the account: its generated password, shown once." }),
});
export const memberRoleChangedSchema = z.strictObject({ userId: z.uuid(), email: z.string(), role: z.enum(ROLES) });
export const memberRemovedSchema = z.strictObject({ userId: z.uuid(), removed: z.literal(true) });

// ---------------------------------------------------------------------------------------------
// A person's own account, and ending a member's sessions

export const passwordChangedSchema = z.strictObject({
  userId: z.uuid(),
  passwordChanged: z.literal(true),
  otherSessionsEnded: z.literal(true).meta({ description: "Every other session of the person ended; this one continues with the cookie in Set-Cookie." }),
});
export const sessionsEndedSchema = z.strictObject({ userId: z.uuid(), sessionsEnded: z.literal(true) });

export const myQueueSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        project: z.string(),
        projectName: z.string(),
        release: z.string(),
        environment: z.string().meta({ description: "Where the sign-off is given (a `verifyOn` item's environment, else the gate's)." }),
        blocks: z.array(z.string()).meta({ description: "The gates it holds closed." }),
        item: z.string(),
        title: z.string(),
        role: role.meta({ description: "The least role whose sign-off counts." }),
        detail: z.string().meta({ description: "What the gate says about it." }),
        waitingSince: z.string().meta({ description: "Since when it could be signed: the release's creation, or the commit's deploy for a `verifyOn` item." }),
        path: z.string().meta({ description: "The release page at the item, on that environment's tab." }),
        assignedToYou: z.boolean().meta({ description: "A release manager assigned the item to you." }),
      }),
    )
    .meta({ description: "Items assigned to you first, then the others; oldest first within each." }),
});

// ---------------------------------------------------------------------------------------------
// Notifications: webhook endpoints, their deliveries, and a person's choices

const webhookFields = {
  id: z.uuid(),
  url: z.string(),
  format: z.enum(["standard", "slack"]).meta({ description: "`standard`: Standard Webhooks JSON; `slack`: incoming-webhook JSON that Slack and Teams read." }),
  events: z.array(z.enum(NOTIFICATION_TYPES)).meta({ description: "Types sent to this endpoint; empty: every type." }),
  createdBy: z.string(),
  createdAt: instant,
};
export const webhookSchema = z.strictObject(webhookFields);
export const webhookListSchema = z.strictObject({ webhooks: z.array(webhookSchema) });
export const webhookCreatedSchema = z.strictObject({
  ...webhookFields,
  secret: z.string().regex(/^whsec_/).meta({ description: "The signing secret, `whsec_` and base64: shown this once, never again." }),
});
export const webhookDeletedSchema = z.strictObject({ id: z.uuid(), deleted: z.literal(true) });
export const deliveryListSchema = z.strictObject({
  deliveries: z.array(
    z.strictObject({
      id: z.uuid(),
      messageId: z.string().meta({ description: "The `webhook-id` header: the same on every try and redelivery." }),
      type: z.enum(NOTIFICATION_TYPES),
      status: z.enum(["pending", "delivered", "failed"]).meta({ description: "`failed`: every retry was used up (it may still be redelivered)." }),
      tries: z.number().int().min(0),
      createdAt: instant,
      nextAttemptAt: instant.nullable(),
      deliveredAt: instant.nullable(),
      attempts: z.array(
        z.strictObject({
          startedAt: instant,
          durationMs: z.number().int().min(0),
          statusCode: z.number().int().nullable().meta({ description: "The receiver's HTTP status; null when no answer came (see error)." }),
          response: z.string().nullable().meta({ description: "The start of the receiver's answer." }),
          error: z.string().nullable(),
        }),
      ),
    }),
  ),
});
export const redeliveredSchema = z.strictObject({ id: z.uuid(), messageId: z.string(), status: z.literal("pending") });
export const notificationPreferencesSchema = z.strictObject({
  types: z.array(z.strictObject({ type: z.enum(NOTIFICATION_TYPES), email: z.boolean() })),
});
export const emailNotificationsSchema = z.strictObject({
  email: z.boolean().meta({ description: "Whether notifications are emailed to the members who can act." }),
  smtpConfigured: z.boolean().meta({ description: "Whether this instance has an SMTP server (SHIPCHECK_SMTP_URL); without one no email goes out." }),
});
export const prometheusSourceViewSchema = z.strictObject({
  url: z.string().nullable().meta({ description: "The project's Prometheus base URL; null: none." }),
  bearerTokenSet: z.boolean().meta({ description: "Whether a bearer token is sent to it (the token itself is never returned)." }),
});

// ---------------------------------------------------------------------------------------------
// GitLab approvals (lib/integrations/gitlab)

const gitlabApprovalSchema = z.strictObject({
  deploymentId: z.string().meta({ description: "GitLab's deployment id." }),
  environment: z.string().meta({ description: "The Shipcheck environment it maps to." }),
  gitlabEnvironment: z.string(),
  release: z.string().nullable().meta({ description: "The release built from the deployment's commit; null while there is none." }),
  status: z.enum(["waiting", "approved", "rejected", "failed", "ended"]).meta({
    description: "`waiting` for the gate to decide (or for GitLab to accept the answer); `approved`/`rejected` answered; `failed` GitLab refused every try; `ended` GitLab went on without Shipcheck.",
  }),
  comment: z.string().nullable().meta({ description: "The comment sent with the answer." }),
  lastError: z.string().nullable(),
  createdAt: instant,
  answeredAt: instant.nullable(),
});
const gitlabLinkFields = {
  project: z.string(),
  linked: z.boolean(),
  baseUrl: z.string().nullable(),
  projectId: z.number().int().nullable().meta({ description: "The GitLab project's numeric id." }),
  accessTokenSet: z.boolean().meta({ description: "Whether an access token is stored; the token itself is never returned." }),
  webhookPath: z.string().meta({ description: "Where GitLab sends Deployment events, on this server." }),
  approvals: z.array(gitlabApprovalSchema).meta({ description: "The latest 10 deployments that waited for Shipcheck, newest first." }),
};
export const gitlabLinkSchema = z.strictObject(gitlabLinkFields);
export const gitlabLinkSavedSchema = z.strictObject({
  ...gitlabLinkFields,
  webhookToken: z.string().regex(/^glwh_/).optional().meta({ description: "A new link's webhook secret token, for GitLab's webhook settings: shown this once." }),
});
export const gitlabWebhookTokenSchema = z.strictObject({ project: z.string(), webhookToken: z.string().regex(/^glwh_/).meta({ description: "Shown this once." }) });
export const gitlabUnlinkedSchema = z.strictObject({ project: z.string(), linked: z.literal(false) });
export const gitlabDuplicateSchema = z.strictObject({ duplicate: z.literal(true), delivery: z.string() }).meta({ description: "A delivery, or a deployment, already received: nothing stored." });
export const gitlabIgnoredSchema = z.strictObject({ ignored: z.string().meta({ description: "Why nothing waits for Shipcheck." }), delivery: z.string() });
export const gitlabAcceptedSchema = z.strictObject({
  delivery: z.string(),
  deployment: z.string(),
  environment: z.string(),
  release: z.string().nullable(),
  answer: z.enum(["approved", "rejected", "waiting"]).meta({ description: "What Shipcheck answered GitLab; `waiting` until the gate opens or something fails." }),
});

// Public badge keys (lib/server/badge-keys.ts)

const badgeKeyFields = { project: z.string(), exists: z.boolean(), createdAt: instant.nullable(), createdBy: z.string().nullable() };
export const badgeKeyStateSchema = z.strictObject(badgeKeyFields);
export const badgeKeyCreatedSchema = z.strictObject({
  ...badgeKeyFields,
  key: z.string().regex(/^bdg_/).meta({ description: "The public badge key: shown this once, only its hash is kept." }),
  urls: z.array(z.strictObject({ environment: z.string(), url: z.string(), markdown: z.string().meta({ description: "`![<environment> gate](<url>)` for a README." }) })),
});

export const githubCreatedSchema = z.union([githubAcceptedSchema, githubDeployRecordedSchema]).meta({ description: "Results recorded, or (deployment_status) a deploy." });
export const githubTakenSchema = z
  .union([githubIgnoredSchema, githubProtectionRuleSchema])
  .meta({ description: "Nothing recorded (with why), or a deployment protection rule request taken." });

// Who may do what, as data: the permission test walks it over HTTP, and docs/permissions.md is
// generated from it (scripts/write-permissions-doc.ts), so the document and the test can't drift.

export const PEOPLE = ["viewer", "engineer", "release-manager", "admin"] as const;
export type Person = (typeof PEOPLE)[number];
export const CALLERS = ["anonymous", "outsider", ...PEOPLE, "project-token", "other-token"] as const;
export type Caller = (typeof CALLERS)[number];

/** What a request needs from the test's fresh project. */
export type Setup = {
  slug: string;
  version: string;
  commit: string;
  /** A sign-off given by the engineer on the engineer item, for revocation rows. */
  signOffId: string;
  /** The engineer's user id, for member rows. */
  engineerId: string;
  /** The project's API token's id, for revocation. */
  tokenId: string;
  /** An existing account that is not a member, for "add a member" rows. */
  spareEmail: string;
  /** A member who is none of the callers, for "sign out everywhere" rows (their sessions may end any time). */
  bystanderId: string;
};

export type RouteRow = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The route file's path pattern under /api/v1, as in the OpenAPI document. */
  route: string;
  what: string;
  /** People whose role allows it (the least role and everyone above it). */
  people: Person[];
  /** Token permission that allows it; null: tokens never may. */
  token: string | null;
  /** Status for a caller who is allowed (a few are allowed but then refused for another reason, noted). */
  allowed: number;
  note?: string;
  /** Callers that reach the action although not members (public documents, token-scoped webhooks). */
  open?: Caller[];
  /** A server-sent event stream: its status is read, then it is closed (it never ends by itself). */
  stream?: true;
  request(s: Setup): { path: string; json?: unknown; body?: string; type?: string };
};

const rel = (s: Setup) => `/api/v1/projects/${s.slug}/releases/${s.version}`;
const ALL_PEOPLE: Person[] = [...PEOPLE];
const ENGINEER_UP: Person[] = ["engineer", "release-manager", "admin"];
const MANAGER_UP: Person[] = ["release-manager", "admin"];
const ADMIN: Person[] = ["admin"];

export const MATRIX_TEMPLATE = `name: matrix
sections:
  - title: Pre-deploy
    phase: pre-deploy
    items:
      - { key: smoke, title: Smoke tests, kind: check, patterns: ["tests/smoke/*"] }
      - { key: throughput, title: Throughput, kind: metric, metric: events_per_sec, operator: ">", threshold: 500 }
      - { key: ws-check, title: WebSocket check, kind: manual, role: engineer }
      - { key: stepped, title: Stepped check, kind: manual, role: engineer, steps: [first, second] }
      - { key: approval, title: Approval, kind: manual, role: release-manager }
`;

export const ROUTES: RouteRow[] = [
  { method: "GET", route: "/projects/{project}/releases", what: "list releases", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/releases` }) },
  { method: "GET", route: "/projects/{project}/releases/{version}", what: "read a release", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: rel(s) }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/events", what: "watch a release live (server-sent events)", people: ALL_PEOPLE, token: "gate:read", allowed: 200, stream: true, request: (s) => ({ path: `${rel(s)}/events` }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/gate", what: "ask the gate", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `${rel(s)}/gate?environment=staging` }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/results/history", what: "a test's history", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `${rel(s)}/results/history?key=tests/smoke/test_a.py::test_ok` }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/items/{itemKey}/results", what: "a check's results, a page at a time", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `${rel(s)}/items/smoke/results?environment=staging` }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/results", what: "post test results", people: ENGINEER_UP, token: "results:write", allowed: 201, request: (s) => ({ path: `${rel(s)}/results`, json: { environment: "staging", results: [{ key: "tests/smoke/test_a.py::test_ok", status: "passed" }] } }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/metrics", what: "post metrics", people: ENGINEER_UP, token: "results:write", allowed: 201, request: (s) => ({ path: `${rel(s)}/metrics`, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812 }] } }) },
  { method: "POST", route: "/projects/{project}/releases", what: "create a release", people: MANAGER_UP, token: "releases:write", allowed: 201, request: (s) => ({ path: `/api/v1/projects/${s.slug}/releases`, json: { version: "v9.9.9", commit: s.commit, template: "matrix" } }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/deployments", what: "record a deploy", people: MANAGER_UP, token: "releases:write", allowed: 409, note: "409: allowed, but this release's gate is closed", request: (s) => ({ path: `${rel(s)}/deployments`, json: { environment: "staging" } }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/items/{itemKey}/signoffs", what: "sign off an engineer item", people: ENGINEER_UP, token: null, allowed: 201, note: "the item's role decides: a release-manager item needs release-manager", request: (s) => ({ path: `${rel(s)}/items/ws-check/signoffs`, json: { environment: "staging" } }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/items/{itemKey}/rejections", what: "reject an engineer item", people: ENGINEER_UP, token: null, allowed: 201, note: "the item's role decides, as for a sign-off: a release-manager item needs release-manager", request: (s) => ({ path: `${rel(s)}/items/ws-check/rejections`, json: { environment: "staging", reason: "only 4 of 5 events arrive" } }) },
  { method: "PUT", route: "/projects/{project}/releases/{version}/items/{itemKey}/assignee", what: "assign a manual item", people: MANAGER_UP, token: null, allowed: 200, note: "to a member who may sign it, else 422", request: (s) => ({ path: `${rel(s)}/items/ws-check/assignee`, json: { userId: s.engineerId } }) },
  { method: "DELETE", route: "/projects/{project}/releases/{version}/items/{itemKey}/assignee", what: "unassign a manual item", people: MANAGER_UP, token: null, allowed: 200, request: (s) => ({ path: `${rel(s)}/items/ws-check/assignee` }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/items/{itemKey}/steps", what: "tick a sub-step", people: ENGINEER_UP, token: null, allowed: 200, request: (s) => ({ path: `${rel(s)}/items/stepped/steps`, json: { environment: "staging", step: 0, done: true } }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/signoffs/{signOffId}/revoke", what: "revoke someone else's sign-off", people: MANAGER_UP, token: null, allowed: 200, note: "signers may always revoke their own", request: (s) => ({ path: `${rel(s)}/signoffs/${s.signOffId}/revoke`, json: { reason: "signed the wrong build" } }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/audit", what: "read the audit trail", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `${rel(s)}/audit` }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/evidence-pack", what: "export the evidence pack", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `${rel(s)}/evidence-pack` }) },
  { method: "GET", route: "/projects/{project}/templates", what: "list templates", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/templates` }) },
  { method: "GET", route: "/projects/{project}/templates/{name}", what: "read a template", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/templates/matrix` }) },
  { method: "PUT", route: "/projects/{project}/templates/{name}", what: "save a template version", people: ADMIN, token: "templates:write", allowed: 201, request: (s) => ({ path: `/api/v1/projects/${s.slug}/templates/matrix`, body: MATRIX_TEMPLATE.replace("Smoke tests", "Smoke tests (v2)"), type: "application/yaml" }) },
  { method: "POST", route: "/projects/{project}/templates/{name}/import", what: "import a Markdown checklist", people: ADMIN, token: "templates:write", allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/templates/imported/import`, body: "## Checks\n- [ ] Tag the release\n", type: "text/markdown" }) },
  { method: "GET", route: "/projects/{project}/members", what: "list members", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/members` }) },
  { method: "POST", route: "/projects/{project}/members", what: "add a member", people: ADMIN, token: null, allowed: 201, request: (s) => ({ path: `/api/v1/projects/${s.slug}/members`, json: { email: s.spareEmail, role: "viewer" } }), note: "project admins add existing accounts; instance admins may create one" },
  { method: "PATCH", route: "/projects/{project}/members/{userId}", what: "change a member's role", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/members/${s.engineerId}`, json: { role: "release-manager" } }) },
  { method: "DELETE", route: "/projects/{project}/members/{userId}", what: "remove a member", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/members/${s.engineerId}` }) },
  { method: "DELETE", route: "/projects/{project}/members/{userId}/sessions", what: "sign a member out everywhere", people: ADMIN, token: null, allowed: 200, note: "an instance administrator's sessions only another instance administrator may end", request: (s) => ({ path: `/api/v1/projects/${s.slug}/members/${s.bystanderId}/sessions` }) },
  { method: "PATCH", route: "/projects/{project}/releases/{version}", what: "rebuild: bind a new commit", people: MANAGER_UP, token: "releases:write", allowed: 200, request: (s) => ({ path: rel(s), json: { commit: [...s.commit].reverse().join("") } }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/evidence/{evidenceId}", what: "download an evidence file", people: ALL_PEOPLE, token: "gate:read", allowed: 404, note: "404: allowed, but there is no such file (downloads: tests/api/signoff-rules.test.ts)", request: (s) => ({ path: `${rel(s)}/evidence/00000000-0000-4000-8000-000000000000` }) },
  { method: "GET", route: "/projects/{project}/releases/{version}/badge.svg", what: "the gate badge", people: ALL_PEOPLE, token: "gate:read", allowed: 200, request: (s) => ({ path: `${rel(s)}/badge.svg?environment=staging` }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/overrides", what: "override a closed gate", people: ADMIN, token: null, allowed: 201, request: (s) => ({ path: `${rel(s)}/overrides`, json: { environment: "staging", reason: "smoke suite is down, verified by hand" } }) },
  { method: "DELETE", route: "/projects/{project}/releases/{version}/overrides/{overrideId}", what: "lift a gate override", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but there is no such override", request: (s) => ({ path: `${rel(s)}/overrides/00000000-0000-4000-8000-000000000000` }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/overrides/{overrideId}/lift", what: "lift a gate override", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but there is no such override", request: (s) => ({ path: `${rel(s)}/overrides/00000000-0000-4000-8000-000000000000/lift` }) },
  { method: "POST", route: "/projects/{project}/releases/{version}/rollback-decisions", what: "record a rollback decision", people: MANAGER_UP, token: "releases:write", allowed: 409, note: "409: allowed, but this release was never deployed", request: (s) => ({ path: `${rel(s)}/rollback-decisions`, json: { environment: "staging", decision: "keep", reason: "traffic looks fine" } }) },
  { method: "POST", route: "/projects/{project}/lock", what: "lock deploys of the project", people: MANAGER_UP, token: "releases:write", allowed: 201, request: (s) => ({ path: `/api/v1/projects/${s.slug}/lock`, json: { reason: "incident 4711" } }) },
  { method: "DELETE", route: "/projects/{project}/lock", what: "unlock deploys", people: MANAGER_UP, token: "releases:write", allowed: 409, note: "409: allowed, but the project is not locked", request: (s) => ({ path: `/api/v1/projects/${s.slug}/lock` }) },
  { method: "POST", route: "/webhooks/alertmanager", what: "send alerts", people: [], token: "results:write", allowed: 201, open: ["other-token"], note: "alerts go to the token's own project, so any project's token is accepted", request: () => ({ path: "/api/v1/webhooks/alertmanager", json: { status: "firing", alerts: [{ status: "firing", labels: { alertname: "Matrix", environment: "staging" } }] } }) },
  { method: "GET", route: "/openapi.json", what: "the API description", people: ALL_PEOPLE, token: "any", allowed: 200, open: ["anonymous", "outsider", "other-token"], request: () => ({ path: "/api/v1/openapi.json" }) },
  { method: "GET", route: "/schemas/template.json", what: "the template JSON Schema", people: ALL_PEOPLE, token: "any", allowed: 200, open: ["anonymous", "outsider", "other-token"], request: () => ({ path: "/api/v1/schemas/template.json" }) },
  { method: "GET", route: "/projects/{project}/audit", what: "read the project's own audit chain (tokens, members, templates, locks)", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/audit` }) },
  { method: "GET", route: "/audit/public-key", what: "the public key audit checkpoints and evidence packs are signed with", people: ALL_PEOPLE, token: "any", allowed: 200, open: ["anonymous", "outsider", "other-token"], request: () => ({ path: "/api/v1/audit/public-key" }) },
  { method: "GET", route: "/projects/{project}/notifications", what: "read whether notifications are emailed", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/notifications` }) },
  { method: "PUT", route: "/projects/{project}/notifications", what: "turn email notifications on or off", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/notifications`, json: { email: false } }) },
  { method: "GET", route: "/projects/{project}/data-sources/prometheus", what: "read the project's Prometheus (never its token)", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/data-sources/prometheus` }) },
  { method: "PUT", route: "/projects/{project}/data-sources/prometheus", what: "set the project's Prometheus and its bearer token", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/data-sources/prometheus`, json: { url: "http://127.0.0.1:9/prometheus" } }) },
  { method: "PUT", route: "/projects/{project}/github", what: "link the GitHub repository (its secret and App write-only)", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/github`, json: { repository: `octo-org/${s.slug}`, secret: "matrix-webhook-secret-0123456789" } }) },
  { method: "DELETE", route: "/projects/{project}/github", what: "unlink the GitHub repository", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/github` }) },
  { method: "GET", route: "/projects/{project}/webhooks", what: "list webhook endpoints", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/webhooks` }) },
  { method: "POST", route: "/projects/{project}/webhooks", what: "add a webhook endpoint (its secret shown once)", people: ADMIN, token: null, allowed: 201, request: (s) => ({ path: `/api/v1/projects/${s.slug}/webhooks`, json: { url: "http://127.0.0.1:9/matrix", events: ["rollback.recommended"] } }) },
  { method: "DELETE", route: "/projects/{project}/webhooks/{webhookId}", what: "delete a webhook endpoint", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but there is no such endpoint", request: (s) => ({ path: `/api/v1/projects/${s.slug}/webhooks/00000000-0000-4000-8000-000000000000` }) },
  { method: "GET", route: "/projects/{project}/webhooks/{webhookId}/deliveries", what: "list a webhook's deliveries and attempts", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but there is no such endpoint", request: (s) => ({ path: `/api/v1/projects/${s.slug}/webhooks/00000000-0000-4000-8000-000000000000/deliveries` }) },
  { method: "POST", route: "/projects/{project}/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver", what: "redeliver a webhook delivery", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but there is no such endpoint", request: (s) => ({ path: `/api/v1/projects/${s.slug}/webhooks/00000000-0000-4000-8000-000000000000/deliveries/00000000-0000-4000-8000-000000000000/redeliver` }) },
  { method: "GET", route: "/projects/{project}/integrations/gitlab", what: "read the GitLab link", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/integrations/gitlab` }) },
  { method: "PUT", route: "/projects/{project}/integrations/gitlab", what: "link GitLab (the webhook secret token shown once)", people: ADMIN, token: null, allowed: 201, request: (s) => ({ path: `/api/v1/projects/${s.slug}/integrations/gitlab`, json: { baseUrl: "http://127.0.0.1:9", projectId: 4711, accessToken: "glpat-matrix-token" } }) },
  { method: "DELETE", route: "/projects/{project}/integrations/gitlab", what: "unlink GitLab", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but the project is not linked", request: (s) => ({ path: `/api/v1/projects/${s.slug}/integrations/gitlab` }) },
  { method: "POST", route: "/projects/{project}/integrations/gitlab/webhook-token", what: "a new GitLab webhook secret token", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but the project is not linked", request: (s) => ({ path: `/api/v1/projects/${s.slug}/integrations/gitlab/webhook-token` }) },
  { method: "GET", route: "/projects/{project}/badge-key", what: "whether there is a public badge key", people: ADMIN, token: null, allowed: 200, request: (s) => ({ path: `/api/v1/projects/${s.slug}/badge-key` }) },
  { method: "POST", route: "/projects/{project}/badge-key", what: "create or rotate the public badge key (shown once)", people: ADMIN, token: null, allowed: 201, request: (s) => ({ path: `/api/v1/projects/${s.slug}/badge-key` }) },
  { method: "DELETE", route: "/projects/{project}/badge-key", what: "remove the public badge key", people: ADMIN, token: null, allowed: 404, note: "404: allowed, but the project has no badge key", request: (s) => ({ path: `/api/v1/projects/${s.slug}/badge-key` }) },
];

/** Routes whose callers prove themselves otherwise (covered by their own tests). */
export const NOT_IN_MATRIX: { method: string; route: string; why: string }[] = [
  { method: "GET", route: "/badges/{key}/{release}/{environment}", why: "public: the project's badge key in the address is the credential, and the badge shows only the gate's state (tests/api/public-badge.test.ts)" },
  { method: "POST", route: "/webhooks/gitlab", why: "authenticated by the X-Gitlab-Token of the link of the payload's GitLab project, not by a session or token (tests/api/gitlab-approvals.test.ts)" },
  { method: "POST", route: "/webhooks/github", why: "authenticated by the X-Hub-Signature-256 HMAC of the linked repository's secret, not by a session or token (tests/api/github-webhook.test.ts)" },
  { method: "POST", route: "/me/password", why: "a signed-in person changes their own password (no project; tokens get 403, signed out 401; tests/api/account.test.ts)" },
  { method: "GET", route: "/audit", why: "the instance's audit chain (sign-ins, accounts) belongs to no project: instance administrators only, everyone else 403, signed out 401 (tests/api/audit-tamper.test.ts)" },
  { method: "GET", route: "/me/queue", why: "a signed-in person's own queue across their projects (no project; tokens get 403, signed out 401; tests/api/my-queue.test.ts)" },
  { method: "GET", route: "/me/notifications", why: "a signed-in person's own notification choices (no project; tokens get 403, signed out 401; tests/api/openapi.test.ts)" },
  { method: "PUT", route: "/me/notifications", why: "a signed-in person chooses their own notifications (no project; tokens get 403, signed out 401; tests/api/openapi.test.ts, tests/api/email-notifications.test.ts)" },
  { method: "DELETE", route: "/me/sessions", why: "a signed-in person signs themselves out everywhere (no project; tokens get 403, signed out 401; tests/api/account.test.ts)" },
];

/** The status a caller gets on a route row. */
export function expectedStatus(row: RouteRow, caller: Caller): number {
  if (row.open?.includes(caller)) return row.allowed;
  if (caller === "anonymous") return 401;
  if (caller === "other-token") return 404;
  // Not a member: the project is hidden rather than forbidden.
  if (caller === "outsider") return row.route.startsWith("/webhooks/") ? 403 : 404;
  if (caller === "project-token") return row.token ? row.allowed : 403;
  return row.people.includes(caller) ? row.allowed : 403;
}

export type ActionRow = {
  file: string;
  name: string;
  what: string;
  people: Person[];
  /** Page that hosts the action (any page of the app can receive it). */
  page(s: Setup): string;
  args(s: Setup): unknown[];
  note?: string;
  /** Outcome for a caller who is allowed, when the fresh project refuses for another reason (noted). */
  allowed?: "ok" | "conflict" | "not_found";
};

export const ACTIONS: ActionRow[] = [
  { file: "app/projects/[project]/actions.ts", name: "createReleaseAction", what: "create a release", people: MANAGER_UP, page: (s) => `/projects/${s.slug}`, args: (s) => [s.slug, { version: "v8.8.8", commit: s.commit, template: "matrix" }] },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "signOffAction", what: "sign off an engineer item", people: ENGINEER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, "ws-check", { environment: "staging" }] },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "rejectItemAction", what: "reject an engineer item", people: ENGINEER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, "ws-check", { environment: "staging", reason: "only 4 of 5 events arrive" }] },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "assignItemAction", what: "assign a manual item", people: MANAGER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, "ws-check", { userId: s.engineerId }] },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "unassignItemAction", what: "unassign a manual item", people: MANAGER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, "ws-check"] },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "tickStepAction", what: "tick a sub-step", people: ENGINEER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, "stepped", { environment: "staging", step: 0, done: true }] },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "revokeSignOffAction", what: "revoke someone else's sign-off", people: MANAGER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, s.signOffId, { reason: "wrong build" }], note: "signers may always revoke their own" },
  { file: "app/projects/[project]/templates/actions.ts", name: "saveTemplateAction", what: "save a template version", people: ADMIN, page: (s) => `/projects/${s.slug}/templates`, args: (s) => [s.slug, MATRIX_TEMPLATE.replace("Smoke tests", "Smoke (v2)"), "matrix"] },
  { file: "app/projects/[project]/templates/actions.ts", name: "previewImportAction", what: "preview a Markdown import", people: ADMIN, page: (s) => `/projects/${s.slug}/templates`, args: (s) => [s.slug, "imported", "## Checks\n- [ ] Tag the release\n"] },
  { file: "app/projects/[project]/settings/actions.ts", name: "createTokenAction", what: "create an API token", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, { name: `t-${s.slug}`, permissions: ["gate:read"] }] },
  { file: "app/projects/[project]/templates/actions.ts", name: "saveImportedTemplateAction", what: "save an imported template", people: ADMIN, page: (s) => `/projects/${s.slug}/templates`, args: (s) => [s.slug, { name: "imported", sections: [{ title: "Checks", phase: "pre-deploy", items: [{ key: "tag", title: "Tag the release", kind: "manual" }] }] }] },
  { file: "app/projects/[project]/settings/actions.ts", name: "revokeTokenAction", what: "revoke an API token", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, s.tokenId] },
  { file: "app/projects/[project]/settings/actions.ts", name: "addMemberAction", what: "add a member", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, { email: s.spareEmail, role: "viewer" }] },
  { file: "app/projects/[project]/settings/actions.ts", name: "setMemberRoleAction", what: "change a member's role", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, s.engineerId, "viewer"] },
  { file: "app/projects/[project]/settings/actions.ts", name: "removeMemberAction", what: "remove a member", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, s.engineerId] },
  { file: "app/projects/[project]/settings/actions.ts", name: "endMemberSessionsAction", what: "sign a member out everywhere", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, s.bystanderId] },
  { file: "app/projects/[project]/actions.ts", name: "lockProjectAction", what: "lock deploys of the project", people: MANAGER_UP, page: (s) => `/projects/${s.slug}`, args: (s) => [s.slug, { reason: "incident 4711" }] },
  { file: "app/projects/[project]/actions.ts", name: "unlockProjectAction", what: "unlock deploys", people: MANAGER_UP, page: (s) => `/projects/${s.slug}`, args: (s) => [s.slug], allowed: "conflict", note: "conflict: allowed, but the project is not locked" },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "recordDeploymentAction", what: "record a deploy", people: MANAGER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, { environment: "staging" }], allowed: "conflict", note: "conflict: allowed, but this release's gate is closed" },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "overrideGateAction", what: "override a closed gate", people: ADMIN, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, { environment: "staging", reason: "smoke suite is down, verified by hand" }] },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "liftOverrideAction", what: "lift a gate override", people: ADMIN, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, "00000000-0000-4000-8000-000000000000"], allowed: "not_found", note: "not_found: allowed, but there is no such override" },
  { file: "app/projects/[project]/releases/[version]/actions.ts", name: "rollbackDecisionAction", what: "record a rollback decision", people: MANAGER_UP, page: (s) => `/projects/${s.slug}/releases/${s.version}`, args: (s) => [s.slug, s.version, { environment: "staging", decision: "keep", reason: "traffic looks fine" }], allowed: "conflict", note: "conflict: allowed, but this release was never deployed" },
  { file: "app/projects/[project]/settings/actions.ts", name: "createWebhookAction", what: "add a webhook endpoint", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, { url: "http://127.0.0.1:9/matrix", format: "standard", events: ["rollback.recommended"] }] },
  { file: "app/projects/[project]/settings/actions.ts", name: "deleteWebhookAction", what: "delete a webhook endpoint", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, "00000000-0000-4000-8000-000000000000"], allowed: "not_found", note: "not_found: allowed, but there is no such endpoint" },
  { file: "app/projects/[project]/settings/actions.ts", name: "redeliverAction", what: "redeliver a webhook delivery", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000000"], allowed: "not_found", note: "not_found: allowed, but there is no such endpoint" },
  { file: "app/projects/[project]/settings/actions.ts", name: "setEmailNotificationsAction", what: "turn email notifications on or off", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, { email: false }] },
  { file: "app/projects/[project]/settings/actions.ts", name: "setPrometheusSourceAction", what: "set the project's Prometheus", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, { url: "http://127.0.0.1:9/prometheus", bearerToken: "", removeToken: false }] },
  { file: "app/projects/[project]/settings/actions.ts", name: "setGithubLinkAction", what: "link a GitHub repository", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, { repository: `acme/${s.slug}`, secret: "a-webhook-secret-of-length" }] },
  { file: "app/projects/[project]/settings/integration-actions.ts", name: "setGitlabLinkAction", what: "link GitLab", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug, { baseUrl: "http://127.0.0.1:9", projectId: "4711", accessToken: "glpat-matrix-token" }] },
  { file: "app/projects/[project]/settings/integration-actions.ts", name: "rotateGitlabWebhookTokenAction", what: "a new GitLab webhook secret token", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug], allowed: "not_found", note: "not_found: allowed, but the project is not linked" },
  { file: "app/projects/[project]/settings/integration-actions.ts", name: "removeGitlabLinkAction", what: "unlink GitLab", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug], allowed: "not_found", note: "not_found: allowed, but the project is not linked" },
  { file: "app/projects/[project]/settings/integration-actions.ts", name: "createBadgeKeyAction", what: "create or rotate the public badge key", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug] },
  { file: "app/projects/[project]/settings/integration-actions.ts", name: "removeBadgeKeyAction", what: "remove the public badge key", people: ADMIN, page: (s) => `/projects/${s.slug}/settings`, args: (s) => [s.slug], allowed: "not_found", note: "not_found: allowed, but the project has no badge key" },
];

/** Server actions on a person's own account: no project, and running them would end the caller's sessions. */
export const ACTIONS_NOT_IN_MATRIX: { file: string; name: string; why: string }[] = [
  { file: "app/account/actions.ts", name: "changePasswordAction", why: "a signed-in person changes their own password (signed out: unauthorized; tests/api/account.test.ts, e2e/account.spec.ts)" },
  { file: "app/account/actions.ts", name: "setNotificationPreferencesAction", why: "a signed-in person chooses their own notifications (signed out: unauthorized; tests/api/email-notifications.test.ts, e2e/notifications.spec.ts)" },
  { file: "app/account/actions.ts", name: "signOutEverywhereAction", why: "a signed-in person signs themselves out everywhere (signed out: unauthorized; tests/api/account.test.ts, e2e/account.spec.ts)" },
];

export const ACTION_CALLERS = ["anonymous", "outsider", ...PEOPLE] as const;
export type ActionCaller = (typeof ACTION_CALLERS)[number];

/** Error codes a refused action answers with (its form shows the message). */
export function expectedActionOutcome(row: ActionRow, caller: ActionCaller): "ok" | "conflict" | "unauthorized" | "not_found" | "forbidden" {
  if (caller === "anonymous") return "unauthorized";
  if (caller === "outsider") return "not_found";
  return row.people.includes(caller) ? (row.allowed ?? "ok") : "forbidden";
}

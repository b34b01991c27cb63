// A demo release taken to staging the way it happens for real, over HTTP: CI posts a passing
// smoke result and the throughput metric, a release manager approves, and the deploy job records
// the deploy to staging. Items done on staging after its deploy (`verifyOn: staging`, such as
// `staging-ws-events`) can be signed off from then on.
import { makeUser } from "./fixtures";
import { api, baseUrl, signIn, type ApiResponse } from "./http";

type Release = { slug: string; version: string; commit: string; token: string };
export type SignedIn = { id: string; email: string; headers: Record<string, string> };

const releaseBase = (p: Release) => `/api/v1/projects/${p.slug}/releases/${encodeURIComponent(p.version)}`;

function expectStatus<T>(response: ApiResponse<T>, status: number, what: string): ApiResponse<T> {
  if (response.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}

/**
 * Opens the demo release's staging gate: a passing `tests/smoke/*` result and `events_per_sec`
 * above 500 for staging, and `release-approval` signed for staging by a release manager (a new
 * one unless `manager` is given). Returns the manager who signed and the id of that sign-off.
 */
export async function openStagingGate(p: Release, options: { manager?: SignedIn } = {}): Promise<{ manager: SignedIn; approvalId: string }> {
  const base = releaseBase(p);
  expectStatus(
    await api(`${base}/results`, {
      token: p.token,
      json: { environment: "staging", commit: p.commit, run: { id: `smoke-${Date.now()}`, startedAt: new Date().toISOString() }, results: [{ key: "tests/smoke/test_health.py::test_ok", status: "passed" }] },
    }),
    201,
    "posting the smoke result",
  );
  expectStatus(await api(`${base}/metrics`, { token: p.token, json: { environment: "staging", metrics: [{ name: "events_per_sec", value: 812, unit: "events/s" }] } }), 201, "posting the metric");
  let manager = options.manager;
  if (!manager) {
    const user = await makeUser(p.slug, "release-manager");
    manager = { id: user.id, email: user.email, headers: { cookie: await signIn(user.email, user.password), origin: baseUrl() } };
  }
  const approval = expectStatus(await api(`${base}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: manager.headers }), 201, "signing release-approval for staging");
  return { manager, approvalId: (approval.body as { id: string }).id };
}

/**
 * Opens the staging gate (see `openStagingGate`) and records the deploy of the release's commit
 * to staging with the project's token, as the deploy job does. Returns the release manager who
 * approved, the id of that approval and the recorded deployment.
 */
export async function deployToStaging(p: Release, options: { manager?: SignedIn } = {}) {
  const opened = await openStagingGate(p, options);
  const deployed = expectStatus(await api(`${releaseBase(p)}/deployments`, { token: p.token, json: { environment: "staging" } }), 201, "recording the deploy to staging");
  return { ...opened, deployment: deployed.body as { environment: string; commit: string } };
}

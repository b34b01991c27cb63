// Settings → GitLab in the browser: an admin links the project to a GitLab project (the access
// token is write-only, the webhook secret token shown once); a blocked deployment sent with that
// token waits, and is approved by the worker once the gate opens, as the panel then lists.
import AxeBuilder from "@axe-core/playwright";
import { randomInt } from "node:crypto";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { openStagingGate } from "../tests/support/flow";
import { deploymentHook } from "../tests/support/gitlab-api";
import { GitlabStandIn } from "../tests/support/gitlab-stand-in";
import { api } from "../tests/support/http";
import { expect, screenshot, signInAs, test } from "./support";

const gitlab = new GitlabStandIn();
test.beforeAll(() => gitlab.start());
test.afterAll(() => gitlab.stop());

test("an admin links GitLab; a blocked deployment waits, then is approved when the gate opens", async ({ page }) => {
  const p = await makeProject();
  const admin = await makeUser(p.slug, "admin");
  const gitlabProjectId = randomInt(1, 2 ** 31 - 1);
  const accessToken = "glpat-e2e-settings-token";
  gitlab.expectToken(gitlabProjectId, accessToken);
  await page.goto(`/projects/${p.slug}/settings`);
  await signInAs(page, admin.email, admin.password);

  const form = page.getByRole("form", { name: "GitLab link" });
  await form.getByLabel("GitLab address").fill(gitlab.url);
  await form.getByLabel("Project id").fill(String(gitlabProjectId));
  await form.getByLabel("Access token").fill(accessToken);
  await form.getByRole("button", { name: "Link GitLab" }).click();
  const shown = page.getByRole("status").filter({ hasText: "shown only once" });
  await expect(shown).toBeVisible();
  const webhookToken = (await shown.getByText(/^glwh_/).textContent())!.trim();
  await expect(form.getByLabel("Access token")).toHaveValue("");
  await expect(form).toContainText("(set; leave empty to keep)");
  expect(await page.content()).not.toContain(accessToken);

  const sent = await api("/api/v1/webhooks/gitlab", {
    json: deploymentHook({ gitlabProjectId, deploymentId: 314, environment: "staging", sha: p.commit }),
    headers: { "x-gitlab-event": "Deployment Hook", "x-gitlab-token": webhookToken },
  });
  expect(sent.status).toBe(201);
  expect(sent.body.answer).toBe("waiting");
  await page.reload();
  const table = page.getByRole("table", { name: "Latest deployments waiting for Shipcheck" });
  await expect(table.getByRole("row", { name: /#314 staging v1\.0\.0 waiting for the gate/ })).toBeVisible();
  await screenshot(page, "70-settings-gitlab-waiting-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, "71-settings-gitlab-waiting-390");
  await page.setViewportSize({ width: 1280, height: 900 });

  await openStagingGate(p);
  await expect(async () => {
    await page.reload();
    await expect(table.getByRole("row", { name: /#314 staging v1\.0\.0 approved/ })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  expect(gitlab.approvalsFor(gitlabProjectId).map((a) => [a.deploymentId, a.status])).toEqual([[314, "approved"]]);
  expect(gitlab.problems).toEqual([]);

  const serious = (await new AxeBuilder({ page }).include('section[aria-labelledby="gitlab"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze()).violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
  expect(serious).toEqual([]);
});

// Times on the page are the reader's own: a reader in New York sees a sign-off in Eastern time,
// with how long ago it was, and the exact UTC time on hover.
import { LOCAL_TIME_OPTIONS } from "../components/format-time";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { api, baseUrl, signIn } from "../tests/support/http";
import { expect, releasePath, signInAs, test } from "./support";

test.use({ timezoneId: "America/New_York", locale: "en-US" });

test("a sign-off's time is shown in the reader's time zone, with how long ago, and in UTC on hover", async ({ page }) => {
  const p = await makeProject();
  const manager = await makeUser(p.slug, "release-manager");
  const cookie = await signIn(manager.email, manager.password);
  const signed = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/signoffs`, { json: { environment: "staging" }, headers: { cookie, origin: baseUrl() } });
  expect(signed.status).toBe(201);

  await page.goto(releasePath(p.slug, p.version));
  await signInAs(page, manager.email, manager.password);
  const time = page.getByRole("article", { name: "Release manager approval" }).getByRole("list", { name: "Sign-offs" }).locator("time");
  const iso = (await time.getAttribute("datetime"))!;
  const eastern = new Intl.DateTimeFormat("en-US", { ...LOCAL_TIME_OPTIONS, timeZone: "America/New_York" }).format(new Date(iso));
  await expect(time).toHaveText(new RegExp(`^${eastern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\((just now|\\d+ min ago)\\)$`));
  expect(eastern).toMatch(/E[SD]T$/);
  await expect(time).toHaveAttribute("title", `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);
});

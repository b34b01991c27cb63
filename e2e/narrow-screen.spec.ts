// Every page at a phone's width (390 px) with hostile content: a 300-character unbroken test key,
// an unbroken sign-off comment and a long command in the instructions wrap or scroll inside their
// own box; the page itself never scrolls sideways.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { makeProject, makeUser } from "../tests/support/fixtures";
import { api, baseUrl, signIn } from "../tests/support/http";
import { expect, postResults, releasePath, screenshot, signInAs, test } from "./support";

const LONG_KEY = `tests/smoke/${"a".repeat(280)}.py::test_x`;
const LONG_COMMENT = `checked-${"w".repeat(600)}`;
const LONG_COMMAND = `python -m pytest tests/smoke --junitxml=${"x".repeat(400)}.xml`;

/** Null when the page fits its width; otherwise the widths and the elements sticking out (not clipped by a box that scrolls). */
async function sidewaysOverflow(page: Page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= window.innerWidth) return null;
    const clipped = (e: Node) => {
      for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) if (getComputedStyle(up).overflowX !== "visible") return true;
      return false;
    };
    const out = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(e));
    // Text running out of a box that stays narrow widens the page too: name the box.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(text);
      const box = text.parentElement;
      if (box && range.getBoundingClientRect().right > window.innerWidth + 1 && !clipped(text) && !out.includes(box)) out.push(box);
    }
    // The innermost ones: what to fix, rather than every box around them.
    const innermost = out.filter((e) => !out.some((other) => other !== e && e.contains(other)));
    return {
      scrollWidth: root.scrollWidth,
      innerWidth: window.innerWidth,
      sticking: innermost.slice(0, 6).map((e) => `${e.tagName.toLowerCase()}.${e.className.toString().slice(0, 50)} "${(e.textContent ?? "").slice(0, 30)}"`),
    };
  });
}

test("no page scrolls sideways at 390 px, whatever long text it shows", async ({ page }) => {
  const demo = await readFile(path.join(process.cwd(), "prisma/seed/demo-template.yml"), "utf8");
  const p = await makeProject({ template: demo.replace("python -m pytest tests/smoke -v --junitxml=smoke.xml", LONG_COMMAND) });
  const admin = await makeUser(p.slug, "admin");
  await postResults(p, "staging", [
    { key: LONG_KEY, status: "failed", message: `AssertionError: ${"e".repeat(500)}` },
    { key: `unmatched/${"u".repeat(300)}`, status: "passed" },
  ]);
  const cookie = await signIn(admin.email, admin.password);
  const signed = await api(`/api/v1/projects/${p.slug}/releases/${p.version}/items/release-approval/signoffs`, {
    json: { environment: "staging", comment: LONG_COMMENT, evidenceUrl: `https://ci.example/${"l".repeat(300)}` },
    headers: { cookie, origin: baseUrl() },
  });
  expect(signed.status, JSON.stringify(signed.body)).toBe(201);

  await page.setViewportSize({ width: 390, height: 844 });
  const found: Record<string, unknown> = {};
  await page.goto("/signin");
  found["/signin"] = await sidewaysOverflow(page);
  await signInAs(page, admin.email, admin.password);
  const release = releasePath(p.slug, p.version);
  const pages = [
    "/",
    "/queue",
    "/account",
    `/projects/${p.slug}`,
    release,
    `${release}?env=production`,
    `/projects/${p.slug}/templates`,
    `/projects/${p.slug}/templates/import`,
    `/projects/${p.slug}/templates/${p.template}`,
    `/projects/${p.slug}/settings`,
    `${release}/evidence`,
    "/no-such-page",
  ];
  for (const address of pages) {
    await page.goto(address);
    await page.locator("main").waitFor();
    found[address] = await sidewaysOverflow(page);
  }

  // The release page opened up: instructions with the long command, the failing test, the timeline.
  await page.goto(release);
  for (const summary of await page.getByText("Instructions", { exact: true }).all()) await summary.click();
  await expect(page.getByText(LONG_KEY).first()).toBeVisible();
  await expect(page.getByText(LONG_COMMENT)).toBeVisible();
  await page.getByRole("button", { name: /Timeline/ }).click();
  await page.getByRole("list", { name: "Audit events, newest first" }).waitFor();
  found["release page opened up"] = await sidewaysOverflow(page);
  await screenshot(page, "80-release-390");

  // The pages people work in most, in both schemes and at both widths, for people to look at.
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      for (const [name, address] of [["release", release], ["releases", `/projects/${p.slug}`], ["settings", `/projects/${p.slug}/settings`]] as const) {
        await page.goto(address);
        await page.locator("main").waitFor();
        found[`${address} at ${width} px, ${colorScheme}`] = await sidewaysOverflow(page);
        await page.screenshot({ path: `test-results/screenshots/85-${name}-${width}-${colorScheme}.png` });
        if (name === "release") {
          await page.locator("#item-smoke-tests").getByText("Instructions", { exact: true }).click();
          await page.locator("#item-smoke-tests").scrollIntoViewIfNeeded();
          await page.screenshot({ path: `test-results/screenshots/85-${name}-${width}-${colorScheme}-items.png` });
        }
      }
    }
  }

  expect(Object.fromEntries(Object.entries(found).filter(([, overflow]) => overflow !== null))).toEqual({});
});

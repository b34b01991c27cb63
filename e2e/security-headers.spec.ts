// Every page carries a Content-Security-Policy with a fresh script nonce: Next.js's own scripts
// run (the page works), a script injected into the page does not. API answers allow nothing.
import { makeProject, makeUser } from "../tests/support/fixtures";
import { expect, releasePath, signInAs, test } from "./support";

test("pages run only their own nonce-carrying scripts; injected ones are blocked", async ({ page }) => {
  const p = await makeProject();
  const viewer = await makeUser(p.slug, "viewer");
  const first = await page.goto("/signin");
  const policy = first!.headers()["content-security-policy"] ?? "";
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  expect(nonce, policy).toBeTruthy();
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(first!.headers()["permissions-policy"]).toContain("camera=()");
  // Over plain http there is no HSTS.
  expect(first!.headers()["strict-transport-security"]).toBeUndefined();

  // Each script Next.js wrote carries this request's nonce.
  const nonces = await page.evaluate(() => [...document.scripts].map((s) => s.nonce));
  expect(nonces.length).toBeGreaterThan(0);
  expect(new Set(nonces)).toEqual(new Set([nonce]));

  // A fresh nonce per request.
  const again = await page.request.get("/signin");
  expect(again.headers()["content-security-policy"]).not.toContain(nonce!);

  // The page still works: sign-in is client code.
  await signInAs(page, viewer.email, viewer.password);
  await page.goto(releasePath(p.slug, p.version));
  await expect(page.getByRole("status", { name: "staging gate" })).toBeVisible();

  // Markup injected into the page, as an XSS would inject it, runs nothing.
  const blocked = await page.evaluate(
    () =>
      new Promise<{ ran: boolean; violation: string | null }>((resolve) => {
        let violation: string | null = null;
        document.addEventListener("securitypolicyviolation", (e) => (violation = e.violatedDirective));
        document.body.insertAdjacentHTML("beforeend", `<img src="/missing.png" onerror="window.__injected = true">`);
        setTimeout(() => resolve({ ran: (window as unknown as { __injected?: boolean }).__injected === true, violation }), 500);
      }),
  );
  expect(blocked).toEqual({ ran: false, violation: expect.stringMatching(/^script-src/) });
});

test("API answers carry a policy that allows nothing; HSTS when the request came over HTTPS", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.headers()["content-security-policy"]).toBe("default-src 'none'; sandbox");
  const proxied = await request.get("/signin", { headers: { "x-forwarded-proto": "https" } });
  expect(proxied.headers()["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
});

// Pages that do not exist, malformed addresses included, answer 404 with the app's own page,
// never a 500 and never a bare framework page.
import { describe, expect, it } from "vitest";
import { makeProject, makeUser } from "../support/fixtures";
import { baseUrl, signIn } from "../support/http";

describe("pages that do not exist", () => {
  it("are 404 with the app's Not found page, for unknown and malformed addresses alike", async () => {
    const p = await makeProject();
    const member = await makeUser(p.slug, "viewer");
    const cookie = await signIn(member.email, member.password);
    const paths = [
      "/no-such-page",
      "/projects/no-such-project",
      `/projects/${p.slug}/releases/v9.9.9`,
      "/projects/%E0%A4%A",
      `/projects/${p.slug}/releases/%E0%A4%A`,
      `/projects/${p.slug}/releases/%`,
      `/projects/${p.slug}/releases/${"v".repeat(3000)}`,
      `/projects/${p.slug}/templates/%00`,
    ];
    for (const path of paths) {
      const response = await fetch(`${baseUrl()}${path}`, { headers: { cookie }, redirect: "manual" });
      const html = await response.text();
      expect(response.status, path).toBe(404);
      expect(html, path).toContain("Not found");
      expect(html, path).toContain("belongs to a project you are not a member of");
    }
  });

  it("under /api/, an address that is not valid percent-encoding is 400 JSON saying so, not a 500", async () => {
    const p = await makeProject();
    const response = await fetch(`${baseUrl()}/api/v1/projects/${p.slug}/releases/%E0%A4%A/gate?environment=staging`, { headers: { authorization: `Bearer ${p.token}` } });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: "bad_request", message: expect.stringContaining("not valid percent-encoding") } });
  });
});

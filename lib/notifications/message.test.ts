import { describe, expect, it } from "vitest";
import { emailMessage, releaseUrl, slackPayload, standardPayload, type Notification } from "./message";

const closed: Notification = {
  type: "gate.closed",
  project: { slug: "netra", name: "Netra" },
  release: { version: "v1.8.0", commit: "0123456789abcdef0123456789abcdef01234567" },
  environment: "production",
  reasons: [{ item: "approval", title: "Approval <b>&", reason: "needs-signoff", detail: "needs 1 more sign-off from release-manager" }],
  actor: null,
  url: "https://shipcheck.example/projects/netra/releases/v1.8.0?env=production",
};

describe("notification messages", () => {
  it("links to the release page from the public URL", () => {
    expect(releaseUrl("netra", "v1.8.0", "staging", "https://ship.example/")).toBe("https://ship.example/projects/netra/releases/v1.8.0?env=staging");
  });

  it("are Standard Webhooks JSON with type, timestamp and data", () => {
    const payload = standardPayload(closed, new Date("2026-12-01T10:00:00Z"));
    expect(payload).toMatchObject({ type: "gate.closed", timestamp: "2026-12-01T10:00:00.000Z", data: { environment: "production", release: { version: "v1.8.0" }, url: closed.url } });
    expect(payload.data.reasons).toHaveLength(1);
  });

  it("escape untrusted text for Slack and carry the release, environment, reasons and link", () => {
    const slack = slackPayload(closed);
    expect(slack.text).toContain("Approval &lt;b&gt;&amp;: needs 1 more sign-off from release-manager");
    expect(slack.text).not.toContain("<b>");
    expect(slack.text).toContain(`<${closed.url}|Open v1.8.0 in Shipcheck>`);
    expect(JSON.stringify(slack.blocks)).toContain("production");
  });

  it("say in the email what blocks and where to go", () => {
    const mail = emailMessage(closed);
    expect(mail.subject).toBe("[Shipcheck] Netra v1.8.0: the production gate closed (1 blocking)");
    expect(mail.text).toContain(closed.url);
    expect(mail.text).toContain("- Approval <b>&: needs 1 more sign-off from release-manager");
  });
});

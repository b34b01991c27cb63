import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateWebhookSecret, webhookHeaders } from "./signing";

describe("Standard Webhooks signatures", () => {
  it("verify with the standardwebhooks library", () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ type: "gate.opened", data: { release: "v1" } });
    const headers = webhookHeaders(secret, "msg_1", body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("are an HMAC of id.timestamp.body with the secret's bytes", () => {
    const secret = `whsec_${Buffer.from("a key of some length").toString("base64")}`;
    const headers = webhookHeaders(secret, "msg_2", "{}", new Date(1_700_000_000_000));
    const expected = createHmac("sha256", "a key of some length").update("msg_2.1700000000.{}").digest("base64");
    expect(headers).toEqual({ "webhook-id": "msg_2", "webhook-timestamp": "1700000000", "webhook-signature": `v1,${expected}` });
  });

  it("fail for another body", () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders(secret, "msg_3", '{"a":1}');
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
  });
});

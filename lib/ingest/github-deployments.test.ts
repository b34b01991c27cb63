// deployment_protection_rule and deployment_status payloads (GitHub's examples where there are some).
import examples from "@octokit/webhooks-examples";
import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { deploymentOf, installationOf, protectionRuleRequest } from "./github-deployments";

type Payload = Record<string, unknown>;
const statuses = () => examples.find((d) => d.name === "deployment_status")!.examples.map((e) => structuredClone(e) as unknown as Payload);

describe("deployment_status", () => {
  it("success is a deploy of the deployment's commit to its environment; other states are ignored", () => {
    const success = statuses().find((p) => (p.deployment_status as Payload).state === "success")!;
    const deployment = success.deployment as Payload;
    expect(deploymentOf(success)).toEqual({ environment: "production", sha: deployment.sha, statusId: String((success.deployment_status as Payload).id) });
    const inProgress = statuses().find((p) => (p.deployment_status as Payload).state === "in_progress")!;
    expect(deploymentOf(inProgress)).toEqual({ ignored: 'deployment_status state "in_progress" is not "success"' });
    expect(deploymentOf({ ...success, action: "edited" })).toHaveProperty("ignored");
  });
});

describe("deployment_protection_rule", () => {
  it("names the environment, the commit (lower-case), where to answer and the installation", () => {
    const payload = { action: "requested", environment: "production", deployment_callback_url: "https://api.github.com/repos/o/r/actions/runs/1/deployment_protection_rule", deployment: { sha: "ABCDEF1234567" }, installation: { id: 77 } };
    expect(protectionRuleRequest(payload)).toEqual({ environment: "production", sha: "abcdef1234567", callbackUrl: payload.deployment_callback_url, installationId: "77" });
    expect(installationOf(payload)).toBe("77");
    expect(() => protectionRuleRequest({ ...payload, deployment: { sha: "not hex" } })).toThrow(ZodError);
    expect(() => protectionRuleRequest({ ...payload, environment: undefined })).toThrow(ZodError);
    expect(installationOf({})).toBeNull();
  });
});

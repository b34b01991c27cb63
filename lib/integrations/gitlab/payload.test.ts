import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { commitOf, gitlabProjectIdOf, parseDeploymentHook } from "./payload";
import { webhookTokenMatches, generateWebhookToken } from "./secret-token";

const hook = (extra: Record<string, unknown> = {}) => ({
  object_kind: "deployment",
  status: "blocked",
  deployment_id: 15,
  environment: "staging",
  project: { id: 30, name: "service" },
  short_sha: "279484c0",
  commit_url: "http://gitlab.test/root/service/-/commit/279484c09fbe69ededfced8c1bb6e6d24616b468",
  ...extra,
});

describe("GitLab Deployment Hook", () => {
  it("reads the full commit from commit_url, else sha, else short_sha", () => {
    expect(commitOf(parseDeploymentHook(hook()))).toBe("279484c09fbe69ededfced8c1bb6e6d24616b468");
    expect(commitOf(parseDeploymentHook(hook({ commit_url: null, sha: "ABCDEF0123456" })))).toBe("abcdef0123456");
    expect(commitOf(parseDeploymentHook(hook({ commit_url: "http://gitlab.test/x/-/commit/zzz" })))).toBe("279484c0");
    expect(commitOf(parseDeploymentHook(hook({ commit_url: null, short_sha: null })))).toBeNull();
  });

  it("keeps fields GitLab adds, and refuses a body without what an answer needs, naming each field", () => {
    expect(parseDeploymentHook(hook({ environment_tier: "staging", something_new: 1 }))).toMatchObject({ something_new: 1 });
    try {
      parseDeploymentHook({ object_kind: "deployment", project: { id: 1 } });
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details?.map((d) => d.path).sort()).toEqual(["deployment_id", "environment", "status"]);
    }
    expect(() => gitlabProjectIdOf({ project: { id: "30" } })).toThrow(/project\.id/);
    expect(gitlabProjectIdOf(hook())).toBe(30);
  });

  it("webhook secret tokens: 256 bits, matched against their hash only", () => {
    const { token, hash } = generateWebhookToken();
    expect(token).toMatch(/^glwh_[A-Za-z0-9_-]{43}$/);
    expect(webhookTokenMatches(token, hash)).toBe(true);
    expect(webhookTokenMatches(`${token}x`, hash)).toBe(false);
    expect(webhookTokenMatches(token, generateWebhookToken().hash)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import type { RoleName } from "@/lib/templates/schema";
import { authorize, type Action } from "./permissions";
import type { Principal } from "./principal";

const project = { id: "p1", slug: "demo" };
const other = { id: "p2", slug: "other" };

const person = (role: RoleName | null, isAdmin = false): Principal => ({
  kind: "user",
  user: { id: "u1", email: "u@example.com", name: null, isAdmin },
  roles: new Map(role ? [["p1", role]] : []),
});

function outcome(principal: Principal, action: Action, target = project): number {
  try {
    authorize(principal, target, action);
    return 200;
  } catch (error) {
    return (error as AppError).status;
  }
}

describe("authorize", () => {
  it("follows the role order for people", () => {
    const table: [RoleName, Action, number][] = [
      ["viewer", "release:read", 200],
      ["viewer", "results:write", 403],
      ["viewer", "signoff:write", 403],
      ["engineer", "results:write", 200],
      ["engineer", "signoff:write", 200],
      ["engineer", "release:write", 403],
      ["release-manager", "release:write", 200],
      ["release-manager", "template:write", 403],
      ["admin", "template:write", 200],
      ["admin", "project:admin", 200],
    ];
    for (const [role, action, status] of table) expect([role, action, outcome(person(role), action)]).toEqual([role, action, status]);
  });

  it("hides projects from non-members (404), and lets instance admins in", () => {
    expect(outcome(person(null), "release:read")).toBe(404);
    expect(outcome(person("admin"), "release:read", other)).toBe(404);
    expect(outcome(person(null, true), "project:admin", other)).toBe(200);
  });

  it("limits tokens to their project and their permissions, and never lets them sign off", () => {
    const token: Principal = { kind: "token", token: { id: "t", name: "ci", projectId: "p1", permissions: ["results:write", "gate:read"] } };
    expect(outcome(token, "results:write")).toBe(200);
    expect(outcome(token, "release:read")).toBe(200);
    expect(outcome(token, "release:write")).toBe(403);
    expect(outcome(token, "signoff:write")).toBe(403);
    expect(outcome(token, "results:write", other)).toBe(404);
  });
});

// Who may do what. Every use case asks `authorize` before touching data; nothing relies on the UI.
import { AppError } from "@/lib/errors";
import { roleAtLeast } from "@/lib/gate/roles";
import type { RoleName } from "@/lib/templates/schema";
import type { TokenPermission } from "./tokens";
import type { Principal } from "./principal";

export type Action =
  | "release:read"
  | "results:write"
  | "release:write"
  | "signoff:write"
  | "item:assign"
  | "template:write"
  | "project:admin";

/** Least role a person needs for each action (docs/permissions.md is the readable matrix). */
const ROLE_FOR: Record<Action, RoleName> = {
  "release:read": "viewer",
  "results:write": "engineer",
  "signoff:write": "engineer",
  "item:assign": "release-manager",
  "release:write": "release-manager",
  "template:write": "admin",
  "project:admin": "admin",
};

/** Token permission needed for each action; null means tokens can never do it. */
const TOKEN_PERMISSION_FOR: Record<Action, TokenPermission | null> = {
  "release:read": "gate:read",
  "results:write": "results:write",
  "release:write": "releases:write",
  "template:write": "templates:write",
  // A sign-off is a person's word: tokens never sign off on their own behalf.
  "signoff:write": null,
  // Who should act is a person's call too.
  "item:assign": null,
  "project:admin": null,
};

export function roleIn(principal: Principal, projectId: string): RoleName | null {
  if (principal.kind === "system") return "admin";
  if (principal.kind === "token") return null;
  if (principal.user.isAdmin) return "admin";
  return principal.roles.get(projectId) ?? null;
}

/**
 * Throws unless the principal may perform `action` on the project. Someone with no access to
 * the project at all gets 404, so project names don't leak; a member without the role gets 403.
 */
export function authorize(principal: Principal, project: { id: string; slug: string }, action: Action): void {
  if (principal.kind === "system") return;
  if (principal.kind === "token") {
    if (principal.token.projectId !== project.id) throw new AppError("not_found", `project "${project.slug}" not found`);
    const needed = TOKEN_PERMISSION_FOR[action];
    if (!needed || !principal.token.permissions.includes(needed)) {
      throw new AppError("forbidden", `this token lacks the permission for ${action}${needed ? ` (needs ${needed})` : ""}`);
    }
    return;
  }
  const role = roleIn(principal, project.id);
  if (!role) throw new AppError("not_found", `project "${project.slug}" not found`);
  if (!roleAtLeast(role, ROLE_FOR[action])) {
    throw new AppError("forbidden", `${action} needs the ${ROLE_FOR[action]} role; you are ${role}`);
  }
}

export function can(principal: Principal, project: { id: string; slug: string }, action: Action): boolean {
  try {
    authorize(principal, project, action);
    return true;
  } catch {
    return false;
  }
}

// The database spells roles as enum identifiers; people and templates use dashes.
import type { Role } from "@/generated/prisma/enums";
import type { RoleName } from "@/lib/templates/schema";

export function toRoleName(role: Role): RoleName {
  return role === "release_manager" ? "release-manager" : role;
}

export function toDbRole(role: RoleName): Role {
  return role === "release-manager" ? "release_manager" : role;
}

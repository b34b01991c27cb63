// Role order: each role can do everything the roles before it can.
import type { RoleName } from "@/lib/templates/schema";

const RANK: Record<RoleName, number> = { viewer: 0, engineer: 1, "release-manager": 2, admin: 3 };

export function roleAtLeast(role: RoleName, needed: RoleName): boolean {
  return RANK[role] >= RANK[needed];
}

// The audit chains that belong to no release: a project's own (tokens, members, templates,
// locks) for its admins, and the instance's (sign-ins, accounts) for instance admins. Checked
// and checkpointed like a release's (docs/audit.md); the answer carries the newest events only,
// since the instance's chain grows with every sign-in, but the check covers all of it.
import { Prisma } from "@/generated/prisma/client";
import { chainOf } from "@/lib/audit/chain";
import { describeAuditEvent, type ChainTrail } from "@/lib/audit/pack";
import { authorize } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/principal";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { auditSigningKey } from "./audit-signing-key";
import type { ServerContext } from "./context";
import { loadVerifiedChain } from "./get-audit-trail";
import { findProject } from "./lookup";

export const CHAIN_TRAIL_DEFAULT_LIMIT = 200;
export const CHAIN_TRAIL_MAX_LIMIT = 1_000;

const NO_CONTEXT = { itemTitles: {}, signOffs: {} };

async function trailOf(chainName: string, scope: ChainTrail["scope"], project: string | null, limit: number): Promise<ChainTrail> {
  return db().$transaction(
    async (tx) => {
      const { events, checkpoints, chain } = await loadVerifiedChain(chainName, tx);
      return {
        scope,
        project,
        chain,
        signingKey: auditSigningKey().info,
        checkpoints: checkpoints.slice(-limit),
        events: events.slice(-limit).map((event) => ({ ...event, summary: describeAuditEvent(event, NO_CONTEXT) })),
      };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000, maxWait: 10_000 },
  );
}

export async function getProjectChainTrail(ctx: ServerContext, projectSlug: string, limit = CHAIN_TRAIL_DEFAULT_LIMIT): Promise<ChainTrail> {
  const project = await findProject(projectSlug);
  authorize(ctx.principal, project, "project:admin");
  return trailOf(chainOf({ releaseId: null, projectId: project.id }), "project", project.slug, limit);
}

function requireInstanceAdmin(principal: Principal): void {
  if (principal.kind === "system") return;
  if (principal.kind === "user" && principal.user.isAdmin) return;
  throw new AppError("forbidden", "the instance's audit trail is for instance administrators only");
}

export async function getInstanceChainTrail(ctx: ServerContext, limit = CHAIN_TRAIL_DEFAULT_LIMIT): Promise<ChainTrail> {
  requireInstanceAdmin(ctx.principal);
  return trailOf(chainOf({ releaseId: null, projectId: null }), "instance", null, limit);
}

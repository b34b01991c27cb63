// The latest calls Shipcheck queued for GitHub (commit statuses, protection rule answers), with
// each try's answer, for the GitHub section of Settings. The body shown is what GitHub was sent.
import { db } from "@/lib/db/client";
import { GITHUB_CHANNEL, type GithubCall } from "@/lib/github/outbox";

const LISTED = 10;

export type GithubDeliveryView = {
  id: string;
  type: string;
  /** "shipcheck/staging: success", "staging: approved". */
  summary: string;
  status: string;
  createdAt: string;
  attempts: { startedAt: string; statusCode: number | null; error: string | null }[];
};

export async function listGithubDeliveries(projectId: string): Promise<GithubDeliveryView[]> {
  const rows = await db().notificationDelivery.findMany({
    where: { projectId, channel: GITHUB_CHANNEL },
    orderBy: { createdAt: "desc" },
    take: LISTED,
    include: { attempts: { orderBy: { startedAt: "desc" }, take: 5 } },
  });
  return rows.map((d) => {
    const body = (d.payload as unknown as GithubCall).body as { context?: string; state?: string; environment_name?: string };
    const summary = d.type === "github.status" ? `${body.context ?? "?"}: ${body.state ?? "?"}` : `${body.environment_name ?? "?"}: ${body.state ?? "?"}`;
    return {
      id: d.id,
      type: d.type,
      summary,
      status: d.status,
      createdAt: d.createdAt.toISOString(),
      attempts: d.attempts.map((a) => ({ startedAt: a.startedAt.toISOString(), statusCode: a.statusCode, error: a.error })),
    };
  });
}

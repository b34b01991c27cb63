// The notification worker, one per app process (started from instrumentation.ts): finds releases
// whose gates may have moved since their last announcement, and sends due deliveries. Every
// instance runs one; PostgreSQL row locks (FOR UPDATE SKIP LOCKED) share the work between them.
import { db } from "@/lib/db/client";
import { answerWaitingApprovals } from "@/lib/integrations/gitlab/answer";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics/registry";
import { GITHUB_CHANNEL, type GithubCall } from "@/lib/github/outbox";
import { sendGithubCall, supersededStatus } from "@/lib/github/send";
import { announceRelease } from "./announce";
import { nextRetryDelay, retrySchedule } from "./retry";
import { sendEmail, sendWebhook, type SendOutcome } from "./send";

/** A claimed delivery belongs to its worker this long; one that crashed is then tried again. */
const CLAIM_MS = 120_000;
const BATCH = 10;
/** Audit events that committed late (a long transaction with a lower id) are looked at again for this long. */
const LATE_COMMIT_MS = 60_000;

type Claimed = { id: string; projectId: string; createdAt: Date; channel: string; endpointId: string | null; recipient: string | null; tries: number; payload: { type: string; data: never } };

const pollMs = () => Number(process.env.SHIPCHECK_NOTIFY_POLL_MS) || 2_000;

/** Sends the deliveries that are due now, a batch at a time. Returns how many were tried. */
export async function deliverDue(): Promise<number> {
  const claimed = await db().$queryRaw<Claimed[]>`
    UPDATE "NotificationDelivery" SET "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${CLAIM_MS / 1000}), tries = tries + 1
    WHERE id IN (
      SELECT id FROM "NotificationDelivery"
      WHERE status = 'pending' AND "nextAttemptAt" <= (now() AT TIME ZONE 'UTC')
      ORDER BY "nextAttemptAt" LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
    RETURNING id, "projectId", "createdAt", channel, "endpointId", recipient, tries, payload`;
  // GitHub calls one after another, oldest first: a commit status must not overtake an earlier one.
  const toGithub = claimed.filter((d) => d.channel === GITHUB_CHANNEL).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const sequential = async () => {
    for (const delivery of toGithub) await deliverOne(delivery);
  };
  await Promise.all([...claimed.filter((d) => d.channel !== GITHUB_CHANNEL).map(deliverOne), sequential()]);
  return claimed.length;
}

async function deliverOne(delivery: Claimed): Promise<void> {
  const startedAt = new Date();
  let outcome: SendOutcome;
  if (delivery.channel === "email" && delivery.recipient) {
    outcome = await sendEmail(delivery.recipient, delivery.payload);
  } else if (delivery.channel === GITHUB_CHANNEL) {
    outcome = (await supersededStatus(delivery.id)) ?? (await sendGithubCall(delivery.projectId, delivery.payload as unknown as GithubCall));
  } else {
    const endpoint = delivery.endpointId ? await db().webhookEndpoint.findUnique({ where: { id: delivery.endpointId } }) : null;
    // Deleted meanwhile: its deliveries went with it.
    if (!endpoint) return;
    outcome = await sendWebhook(endpoint, `msg_${delivery.id}`, delivery.payload);
  }
  const durationMs = Date.now() - startedAt.getTime();
  if (delivery.channel === "webhook") metrics().webhookDeliveries.inc({ outcome: outcome.ok ? "delivered" : outcome.statusCode !== null ? "refused" : "unreachable" });
  const delay = outcome.ok ? null : nextRetryDelay(delivery.tries, retrySchedule());
  await db().$transaction([
    db().deliveryAttempt.create({ data: { deliveryId: delivery.id, startedAt, durationMs, statusCode: outcome.statusCode, response: outcome.response, error: outcome.error } }),
    db().notificationDelivery.updateMany({
      where: { id: delivery.id, status: "pending", tries: delivery.tries },
      data: outcome.ok
        ? { status: "delivered", deliveredAt: new Date() }
        : delay === null
          ? { status: "failed" }
          : { nextAttemptAt: new Date(Date.now() + delay) },
    }),
  ]);
}

/**
 * Releases with audit events since `afterId` (a project-wide event: each release of that project
 * still in play) whose revision moved past the one last announced. The revision is the one
 * ReleaseGateState uses (lib/server/gate-state.ts): so an unchanged release costs no evaluation.
 */
async function touchedReleases(afterId: bigint): Promise<{ ids: string[]; maxId: bigint }> {
  const [top] = await db().$queryRaw<{ maxId: bigint | null }[]>`SELECT max(id) AS "maxId" FROM "AuditEvent"`;
  const rows = await db().$queryRaw<{ releaseId: string }[]>`
    WITH recent AS (SELECT DISTINCT "projectId", "releaseId" FROM "AuditEvent" WHERE id > ${afterId} AND "projectId" IS NOT NULL),
    touched AS (
      SELECT r.id, r."projectId" FROM "Release" r
      WHERE r.id IN (SELECT "releaseId" FROM recent WHERE "releaseId" IS NOT NULL)
         OR (r."projectId" IN (SELECT "projectId" FROM recent WHERE "releaseId" IS NULL) AND r.status <> 'abandoned'))
    SELECT t.id AS "releaseId" FROM touched t
    LEFT JOIN "ReleaseAnnouncement" n ON n."releaseId" = t.id
    WHERE n.revision IS DISTINCT FROM concat('r', (SELECT max(a.id) FROM "AuditEvent" a WHERE a."releaseId" = t.id),
      ':p', (SELECT max(a.id) FROM "AuditEvent" a WHERE a."projectId" = t."projectId" AND a."releaseId" IS NULL))`;
  return { ids: rows.map((r) => r.releaseId), maxId: top?.maxId ?? afterId };
}

type WorkerState = { stopped: boolean; timer?: NodeJS.Timeout; cursors: { at: number; id: bigint }[]; failing: boolean };

const globalForWorker = globalThis as unknown as { shipcheckNotifyWorker?: WorkerState };

async function startingCursor(): Promise<bigint> {
  // After a restart, changes of the last day that no instance announced are still announced.
  const [row] = await db().$queryRaw<{ id: bigint | null }[]>`
    SELECT min(id) - 1 AS id FROM "AuditEvent" WHERE "createdAt" > (now() AT TIME ZONE 'UTC') - interval '1 day'`;
  const [max] = await db().$queryRaw<{ id: bigint | null }[]>`SELECT max(id) AS id FROM "AuditEvent"`;
  return row?.id ?? max?.id ?? BigInt(0);
}

async function tick(state: WorkerState): Promise<void> {
  if (state.cursors.length === 0) state.cursors.push({ at: 0, id: await startingCursor() });
  // Look again from the cursor of a minute ago: an event with a lower id may commit after a higher one.
  const now = Date.now();
  while (state.cursors.length > 1 && now - state.cursors[1]!.at > LATE_COMMIT_MS) state.cursors.shift();
  const from = state.cursors[0]!.id;
  const touched = await touchedReleases(from);
  for (const releaseId of touched.ids) {
    // One release that cannot be evaluated holds up neither the others nor the deliveries.
    await announceRelease(releaseId).catch((error: Error) => log().warn({ releaseId, err: error }, "notifications: release not announced"));
  }
  if (touched.maxId > state.cursors.at(-1)!.id) state.cursors.push({ at: now, id: touched.maxId });
  // GitLab deployments waiting on a gate that may have opened (or failed) since.
  await answerWaitingApprovals().catch((error: Error) => log().warn({ err: error }, "gitlab: approvals not answered"));
  while ((await deliverDue()) === BATCH && !state.stopped);
}

export function startNotificationWorker(): void {
  if (globalForWorker.shipcheckNotifyWorker || process.env.SHIPCHECK_NOTIFICATIONS === "off") return;
  const state: WorkerState = { stopped: false, cursors: [], failing: false };
  globalForWorker.shipcheckNotifyWorker = state;
  const loop = async () => {
    try {
      await tick(state);
      if (state.failing) log().info("notifications: working again");
      state.failing = false;
    } catch (error) {
      // One line when it starts failing (the database is away, say), not one per round.
      if (!state.failing) log().warn({ reason: (error as Error).message.trim().split("\n").at(-1) }, "notifications: failing; trying again every few seconds");
      state.failing = true;
    }
    if (!state.stopped) schedule();
  };
  // Unreferenced: the worker never keeps a stopping process alive (no signal handler of its own,
  // which would take over the server's).
  const schedule = () => {
    state.timer = setTimeout(loop, pollMs());
    state.timer.unref();
  };
  schedule();
}

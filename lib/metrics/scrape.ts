// GET /api/metrics: the Prometheus text format, for a scraper holding SHIPCHECK_METRICS_TOKEN.
// Without that setting the endpoint is off (404): counts by route are not for everyone to read.
import { createHash, timingSafeEqual } from "node:crypto";
import { poolSize, poolUsage } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { openStreamCount } from "@/lib/realtime/hub";
import { metrics, registerGauge } from "./registry";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Constant-time: the digests are always the same length, whatever was sent. */
export function assertScraper(authorization: string | null): void {
  const expected = process.env.SHIPCHECK_METRICS_TOKEN;
  if (!expected) throw new AppError("not_found", "metrics are off on this instance: set SHIPCHECK_METRICS_TOKEN to serve them");
  const sent = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "")?.[1];
  if (!sent) throw new AppError("unauthorized", "send `Authorization: Bearer <SHIPCHECK_METRICS_TOKEN>`");
  if (!timingSafeEqual(digest(sent), digest(expected))) throw new AppError("unauthorized", "wrong metrics token");
}

function registerRuntimeGauges(): void {
  registerGauge("shipcheck_db_pool_connections", "Database connections this instance holds open.", () => poolUsage().total);
  registerGauge("shipcheck_db_pool_idle_connections", "Open database connections not in use.", () => poolUsage().idle);
  registerGauge("shipcheck_db_pool_waiting_requests", "Queries waiting for a free connection.", () => poolUsage().waiting);
  registerGauge("shipcheck_db_pool_max_connections", "The pool's size (DATABASE_POOL_SIZE).", poolSize);
  registerGauge("shipcheck_live_streams_open", "Live update streams (server-sent events) this instance serves.", openStreamCount);
}

export async function scrape(authorization: string | null): Promise<{ body: string; contentType: string }> {
  assertScraper(authorization);
  registerRuntimeGauges();
  const { registry } = metrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}

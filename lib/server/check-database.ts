// Is PostgreSQL answering? Bounded by a timeout so a hung database can't hang the health check.
import { db } from "@/lib/db/client";

export async function checkDatabase(timeoutMs = 2_000): Promise<{ ok: boolean; latencyMs?: number; error?: string }> {
  const started = performance.now();
  try {
    await Promise.race([
      db().$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, error: (error as Error).message.split("\n")[0] };
  }
}

// Liveness plus database readiness: 503 when PostgreSQL does not answer.
import { DATABASE_RETRY_AFTER_SECONDS } from "@/lib/errors";
import { checkDatabase } from "@/lib/server/check-database";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const database = await checkDatabase();
  return Response.json(
    { status: database.ok ? "ok" : "unavailable", database },
    {
      status: database.ok ? 200 : 503,
      headers: { "cache-control": "no-store", ...(database.ok ? {} : { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) }) },
    },
  );
}

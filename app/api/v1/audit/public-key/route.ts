// The instance's audit signing key, public half: what `shipcheck verify --key` checks packs with.
// Public: it proves nothing by itself, and auditors need it without an account. Get it once, keep
// it apart from the packs it checks (docs/audit.md).
import { json } from "@/lib/http/respond";
import { apiRoute } from "@/lib/http/route";
import { auditSigningKey } from "@/lib/server/audit-signing-key";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async () => json(auditSigningKey().info, 200, { "cache-control": "no-store" }));

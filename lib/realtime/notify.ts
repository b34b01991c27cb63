// Publishing a change: NOTIFY inside the writing transaction, so PostgreSQL delivers it to every
// listening instance when, and only when, the transaction commits.
import type { Tx } from "@/lib/db/client";
import { CHANGES_CHANNEL, encodeNotice, type ChangeNotice } from "./change";

export async function notifyChange(tx: Tx, notice: ChangeNotice): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${CHANGES_CHANNEL}, ${encodeNotice(notice)})`;
}

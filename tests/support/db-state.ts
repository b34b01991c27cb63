// Direct database reads for API tests: "was anything written?" and "which audit events exist?".
import { db } from "@/lib/db/client";

export async function releaseRow(slug: string, version: string) {
  const project = await db().project.findUniqueOrThrow({ where: { slug } });
  const release = await db().release.findUniqueOrThrow({ where: { projectId_version: { projectId: project.id, version } } });
  return { projectId: project.id, releaseId: release.id, release };
}

export type RowCounts = { results: number; metrics: number; signOffs: number; auditEvents: number };

/** Rows a write to this release could have added. Compare before and after a refused request. */
export async function releaseCounts(slug: string, version: string): Promise<RowCounts> {
  const { releaseId } = await releaseRow(slug, version);
  const [results, metrics, signOffs, auditEvents] = await Promise.all([
    db().result.count({ where: { releaseId } }),
    db().metric.count({ where: { releaseId } }),
    db().signOff.count({ where: { releaseId } }),
    db().auditEvent.count({ where: { releaseId } }),
  ]);
  return { results, metrics, signOffs, auditEvents };
}

/** Project-wide audit count too, for writes that might be recorded without a release id. */
export async function projectAuditCount(slug: string): Promise<number> {
  const project = await db().project.findUniqueOrThrow({ where: { slug } });
  return db().auditEvent.count({ where: { projectId: project.id } });
}

export async function auditEvents(slug: string, version: string, action: string) {
  const { releaseId } = await releaseRow(slug, version);
  return db().auditEvent.findMany({ where: { releaseId, action }, orderBy: { id: "asc" } });
}

/** Audit events of one action whose `after` JSON has `field` equal to `value`. */
export async function auditEventsWhere(slug: string, version: string, action: string, field: string, value: unknown) {
  const events = await auditEvents(slug, version, action);
  return events.filter((e) => (e.after as Record<string, unknown> | null)?.[field] === value);
}

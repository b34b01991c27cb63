// Which PromQL readings a release needs now (docs/templates.md, "Read from Prometheus"). Pure: the
// caller passes the time, the deploys and when each reading last ran.
import type { GateDeployment, GateItem } from "@/lib/gate";

/** One query to run, and where its reading is stored (null: for every environment). */
export type DueQuery = { metric: string; query: string; environment: string | null };

/** When a query of this release last ran, per metric name and environment, for its current commit. */
export type LastReading = { metric: string; environment: string | null; ranAt: Date };

export type Schedule = { now: Date; maxAgeMs: number; watchWindowMs: number };

export const hasQuery = (item: GateItem) => (item.kind === "metric" && item.query !== undefined) || (item.kind === "watch" && item.metric?.query !== undefined);

const listedFor = (item: GateItem, environment: string) => item.environments.length === 0 || item.environments.includes(environment);

export function dueQueries(items: GateItem[], environments: string[], commitSha: string, deployments: GateDeployment[], last: LastReading[], schedule: Schedule): DueQuery[] {
  const due = new Map<string, DueQuery>();
  const lastRan = (metric: string, environment: string | null) =>
    last.filter((r) => r.metric === metric && r.environment === environment).reduce<Date | null>((a, r) => (!a || r.ranAt > a ? r.ranAt : a), null);
  // Due when never read, read too long ago, or read before the deploy that the reading must follow.
  const consider = (metric: string, query: string, environment: string | null, mustFollow: Date | null) => {
    const ran = lastRan(metric, environment);
    const old = !ran || schedule.now.getTime() - ran.getTime() >= schedule.maxAgeMs || (mustFollow !== null && ran.getTime() <= mustFollow.getTime());
    if (old) due.set(`${metric}\u0000${environment ?? ""}`, { metric, query, environment });
  };
  const deploysTo = (environment: string) => deployments.filter((d) => d.environment === environment);

  for (const item of items) {
    if (item.kind === "metric" && item.query !== undefined) {
      if (item.verifyOn === undefined) consider(item.metric, item.query, null, null);
      else {
        // Counts only after the current commit's deploy there: nothing to read before it.
        const first = deploysTo(item.verifyOn).filter((d) => d.commitSha === commitSha).reduce<Date | null>((a, d) => (!a || d.deployedAt < a ? d.deployedAt : a), null);
        if (first) consider(item.metric, item.query, item.verifyOn, first);
      }
    }
    if (item.kind === "watch" && item.metric?.query !== undefined) {
      for (const environment of environments) {
        if (!listedFor(item, environment)) continue;
        const latest = deploysTo(environment).reduce<Date | null>((a, d) => (!a || d.deployedAt > a ? d.deployedAt : a), null);
        // The watch window: from the latest deploy there, for a while; before any deploy, nothing to watch.
        if (latest && schedule.now.getTime() - latest.getTime() <= schedule.watchWindowMs) consider(item.metric.name, item.metric.query, environment, latest);
      }
    }
  }
  return [...due.values()];
}

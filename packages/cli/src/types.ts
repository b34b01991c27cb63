// The parts of the API's answers the CLI reads. Kept here rather than imported from the server's
// code, so the package builds and runs with nothing of the app behind it.
export type BlockReason = "pending" | "failed" | "flaky" | "metric" | "approvals" | "rejected" | "stale" | "previous-environment" | "locked";

export type Blocker = {
  item: string;
  title: string;
  reason: BlockReason;
  detail: string;
  failures?: { key: string; message: string | null }[];
  moreFailures?: number;
  rejection?: { by: string; reason: string; commit: string; at: string };
};

/** GET …/releases/{version}/gate?environment= */
export type GateReport = { release: string; environment: string; open: boolean; overridden: boolean; blocking: Blocker[] };

/** One environment's gate in a results answer. */
export type GateDecision = { environment: string; open: boolean; overridden: boolean; blocking: Blocker[] };

/** POST …/releases/{version}/results */
export type IngestReport = {
  delivery: string;
  accepted: number;
  commit: string;
  countsForRelease: boolean;
  matched: { item: string; results: number }[];
  unmatched: string[];
  unmatchedCount: number;
  warnings?: string[];
  gate: Record<string, GateDecision>;
};

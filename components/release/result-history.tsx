"use client";
// A test's runs in this release and its outcome in earlier releases, loaded when asked for.
import { useQuery } from "@tanstack/react-query";
import { LocalTime } from "../local-time";

type History = {
  runs: { status: string; message: string | null; durationMs: number | null; environment: string | null; commit: string; countsForRelease: boolean; runUrl: string | null; at: string }[];
  earlierReleases: { version: string; status: string; runUrl: string | null; at: string }[];
};

export function ResultHistory({ project, version, resultKey }: { project: string; version: string; resultKey: string }) {
  const { data, error, isLoading } = useQuery({
    queryKey: ["result-history", project, version, resultKey],
    queryFn: async (): Promise<History> => {
      const url = `/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(version)}/results/history?key=${encodeURIComponent(resultKey)}`;
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return (await response.json()) as History;
    },
  });
  if (isLoading) return <p className="text-xs text-slate-500">Loading history…</p>;
  if (error || !data) return <p className="text-xs text-red-700">Could not load the history.</p>;
  return (
    <div className="mt-1 grid gap-2 text-xs md:grid-cols-2">
      <div>
        <p className="font-medium text-slate-700">Runs in this release</p>
        <ul className="font-mono">
          {data.runs.map((run, i) => (
            <li key={i} className={run.countsForRelease ? "" : "text-slate-400"}>
              <LocalTime iso={run.at} relative={false} /> {run.status}
              {run.environment ? ` · ${run.environment}` : ""}
              {run.durationMs !== null ? ` · ${run.durationMs} ms` : ""}
              {run.countsForRelease ? "" : ` · commit ${run.commit.slice(0, 7)}`}
              {run.runUrl ? (
                <>
                  {" · "}
                  <a href={run.runUrl} target="_blank" rel="noopener noreferrer" className="text-sky-700 underline">
                    run
                  </a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </div>
      <div>
        <p className="font-medium text-slate-700">Earlier releases</p>
        {data.earlierReleases.length === 0 ? <p className="text-slate-500">No earlier release ran this test.</p> : null}
        <ul className="font-mono">
          {data.earlierReleases.map((e) => (
            <li key={e.version}>
              {e.version}: {e.status} (<LocalTime iso={e.at} relative={false} />)
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

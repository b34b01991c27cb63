"use client";
// Every matching result of a check item, read a page at a time when a person opens the list.
import { useInfiniteQuery } from "@tanstack/react-query";
import type { ItemResultsPage } from "@/lib/server/item-results";

const PAGE = 200;

type Props = { project: string; version: string; item: string; environment: string; total: number };

export function AllResults({ project, version, item, environment, total }: Props) {
  const query = useInfiniteQuery({
    queryKey: ["item-results", project, version, item, environment],
    initialPageParam: 0,
    queryFn: async ({ pageParam }): Promise<ItemResultsPage> => {
      const url = `/api/v1/projects/${encodeURIComponent(project)}/releases/${encodeURIComponent(version)}/items/${encodeURIComponent(item)}/results?environment=${encodeURIComponent(environment)}&offset=${pageParam}&limit=${PAGE}`;
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return (await response.json()) as ItemResultsPage;
    },
    getNextPageParam: (last) => (last.offset + last.results.length < last.total ? last.offset + last.results.length : undefined),
  });
  if (query.isLoading) return <p className="mt-1 text-xs text-slate-500">Loading {total} results…</p>;
  if (query.error || !query.data) return <p className="mt-1 text-xs text-red-700">Could not load the results.</p>;
  const results = query.data.pages.flatMap((p) => p.results);
  return (
    <div className="mt-1">
      <ul className="max-h-72 overflow-auto font-mono text-xs text-slate-700" aria-label={`${item} results`}>
        {results.map((r) => (
          <li key={`${r.variant ?? ""}/${r.key}`} className="[overflow-wrap:anywhere]">
            {r.status.padEnd(7, " ")} {r.key}
            {r.variant ? ` [${r.variant}]` : ""}
            {r.durationMs !== null ? ` (${r.durationMs} ms)` : ""}
          </li>
        ))}
      </ul>
      <p className="mt-1 text-xs text-slate-500">
        Showing {results.length} of {query.data.pages[0]!.total}
        {query.hasNextPage ? (
          <>
            {" · "}
            <button type="button" className="text-sky-700 underline" disabled={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
              {query.isFetchingNextPage ? "Loading…" : `Load ${PAGE} more`}
            </button>
          </>
        ) : null}
      </p>
    </div>
  );
}

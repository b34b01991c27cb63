"use client";
// The release page's live data: the same JSON the API serves, polled while the page is open.
import { useQuery } from "@tanstack/react-query";
import type { ReleaseState } from "@/lib/server/get-release-state";

export const releaseQueryKey = (project: string, version: string) => ["release", project, version] as const;

const POLL_MS = 3_000;

export function useReleaseState(initial: ReleaseState) {
  const { slug } = initial.project;
  const { version } = initial.release;
  return useQuery({
    queryKey: releaseQueryKey(slug, version),
    queryFn: async (): Promise<ReleaseState> => {
      const response = await fetch(`/api/v1/projects/${encodeURIComponent(slug)}/releases/${encodeURIComponent(version)}`, {
        headers: { accept: "application/json" },
        cache: "no-store",
      });
      if (!response.ok) throw new Error(`could not refresh the release (HTTP ${response.status})`);
      return (await response.json()) as ReleaseState;
    },
    initialData: initial,
    refetchInterval: POLL_MS,
  });
}

"use client";
// The release page's live data: the same JSON the API serves, refetched whenever the release's
// event stream says it changed. Polling is only the fallback while the stream is down.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { coalesced } from "@/lib/realtime/coalesce";
import type { ReleaseState } from "@/lib/server/get-release-state";

export const releaseQueryKey = (project: string, version: string) => ["release", project, version] as const;

/** `live`: changes are pushed; `polling`: the stream is down (or this instance lost the database's notices). */
export type LiveState = "connecting" | "live" | "polling";

const enc = encodeURIComponent;

/** A refused stream (503 when an instance is full, 401 after sign-out) is retried this long after, doubling. */
const REOPEN_MS = [2_000, 5_000, 15_000, 30_000];

function useReleaseEvents(url: string, onChange: () => void): LiveState {
  const [state, setState] = useState<LiveState>("connecting");
  const changed = useRef(onChange);
  useEffect(() => {
    changed.current = onChange;
  }, [onChange]);

  useEffect(() => {
    let source: EventSource | null = null;
    let reopen: ReturnType<typeof setTimeout> | undefined;
    let refusals = 0;
    const open = () => {
      source = new EventSource(url);
      // Every (re)connection may follow missed changes: refetch once it stands.
      source.onopen = () => {
        refusals = 0;
        setState("live");
        changed.current();
      };
      source.addEventListener("change", () => changed.current());
      source.addEventListener("resync", () => {
        setState("live");
        changed.current();
      });
      source.addEventListener("paused", () => setState("polling"));
      source.onerror = () => {
        setState("polling");
        // CONNECTING: the browser retries by itself (after the server's `retry:`). CLOSED: it gave up.
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          reopen = setTimeout(open, REOPEN_MS[Math.min(refusals++, REOPEN_MS.length - 1)]);
        }
      };
    };
    open();
    return () => {
      clearTimeout(reopen);
      source?.close();
    };
  }, [url]);
  return state;
}

export function useReleaseState(initial: ReleaseState, options: { fallbackPollMs: number }) {
  const { slug } = initial.project;
  const { version } = initial.release;
  const url = `/api/v1/projects/${enc(slug)}/releases/${enc(version)}`;
  const queryClient = useQueryClient();
  const refresh = useMemo(() => coalesced(() => queryClient.refetchQueries({ queryKey: releaseQueryKey(slug, version), exact: true })), [queryClient, slug, version]);
  const live = useReleaseEvents(`${url}/events`, refresh);
  const query = useQuery({
    queryKey: releaseQueryKey(slug, version),
    queryFn: async (): Promise<ReleaseState> => {
      const response = await fetch(url, { headers: { accept: "application/json" }, cache: "no-cache" });
      if (!response.ok) throw new Error(`could not refresh the release (HTTP ${response.status})`);
      return (await response.json()) as ReleaseState;
    },
    initialData: initial,
    refetchInterval: live === "live" ? false : options.fallbackPollMs,
  });
  return { ...query, live };
}

"use client";
// The release's audit trail, newest first, with the state of its hash chain. Collapsed by default;
// once opened it is read from the audit endpoint and refreshed whenever the release is.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import type { AuditTrail } from "@/lib/audit/pack";
import { LocalTime } from "../local-time";
import { releaseQueryKey } from "./release-query";

/** Long trails (CI reports on every run) show their newest events first, the rest on request. */
const SHOWN = 50;

type Props = {
  project: string;
  version: string;
  /** When the release's own data was last refreshed: the timeline follows it. */
  refreshedAt: number;
};

type TrailEvent = AuditTrail["events"][number];

const enc = encodeURIComponent;

export const auditQueryKey = (project: string, version: string) => [...releaseQueryKey(project, version), "audit"] as const;

export function AuditTimeline({ project, version, refreshedAt }: Props) {
  const [open, setOpen] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const panelId = useId();
  const queryClient = useQueryClient();
  const { data, error, isPending } = useQuery({
    queryKey: auditQueryKey(project, version),
    queryFn: async (): Promise<AuditTrail> => {
      const response = await fetch(`/api/v1/projects/${enc(project)}/releases/${enc(version)}/audit`, { headers: { accept: "application/json" }, cache: "no-store" });
      if (!response.ok) throw new Error(`could not load the audit trail (HTTP ${response.status})`);
      return (await response.json()) as AuditTrail;
    },
    enabled: open,
  });

  // Each refresh of the release query (pushed or polled) refreshes an open timeline too.
  const seen = useRef(refreshedAt);
  useEffect(() => {
    if (seen.current === refreshedAt) return;
    seen.current = refreshedAt;
    if (open) void queryClient.invalidateQueries({ queryKey: auditQueryKey(project, version), exact: true });
  }, [refreshedAt, open, queryClient, project, version]);

  const newestFirst = data ? [...data.events].reverse() : [];
  const shown = showAll ? newestFirst : newestFirst.slice(0, SHOWN);
  const evidencePage = `/projects/${enc(project)}/releases/${enc(version)}/evidence`;
  const packUrl = `/api/v1/projects/${enc(project)}/releases/${enc(version)}/evidence-pack`;

  return (
    <section aria-label="Timeline" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <h2>
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((o) => !o)}
          className="flex w-full items-center justify-between gap-2 px-4 py-3 text-left"
        >
          <span>
            <span className="font-semibold">Timeline</span>
            <span className="ml-2 text-sm font-normal text-slate-500">every change to this release, hash-chained</span>
          </span>
          <span aria-hidden="true" className="text-slate-400">
            {open ? "▾" : "▸"}
          </span>
        </button>
      </h2>
      {open ? (
        <div id={panelId} className="space-y-3 border-t border-slate-100 px-4 py-3 text-sm">
          <div className="flex flex-wrap items-center justify-between gap-2">
            {data ? <ChainBadge trail={data} /> : <span className="text-slate-500">{error ? error.message : isPending ? "Loading the audit trail…" : null}</span>}
            <span className="flex gap-3 text-xs">
              <Link href={evidencePage} className="text-slate-700 underline hover:text-slate-900">
                Evidence pack (printable)
              </Link>
              <a href={packUrl} download className="text-slate-700 underline hover:text-slate-900">
                Download JSON
              </a>
            </span>
          </div>
          {data && error ? <p className="text-xs text-slate-500">Live updates paused: {error.message}</p> : null}
          {data ? (
            <ol aria-label="Audit events, newest first" className="divide-y divide-slate-100">
              {shown.map((event) => (
                <EventRow key={event.id} event={event} broken={!data.chain.ok && isBrokenEvent(data, event)} />
              ))}
            </ol>
          ) : null}
          {data && newestFirst.length > shown.length ? (
            <button type="button" onClick={() => setShowAll(true)} className="text-xs text-slate-700 underline">
              Show all {newestFirst.length} events
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** The reason without its "broken at event K (action): " lead, which the badge's headline already says. */
function reasonDetail(reason: string): string {
  const detail = reason.replace(/^broken at event \d+(?: of chain \S+)? \([^)]*\): /, "");
  return detail.charAt(0).toUpperCase() + detail.slice(1);
}

function isBrokenEvent(trail: AuditTrail, event: TrailEvent): boolean {
  return trail.chain.brokenAt !== undefined && trail.events[trail.chain.brokenAt]?.id === event.id;
}

function ChainBadge({ trail }: { trail: AuditTrail }) {
  const { chain } = trail;
  if (chain.ok) {
    return (
      <span className="flex flex-wrap items-center gap-2">
        <span role="status" aria-label="Audit chain" className="rounded bg-emerald-50 px-2 py-0.5 text-xs font-semibold text-emerald-800 ring-1 ring-emerald-300">
          Chain intact: {chain.events} event{chain.events === 1 ? "" : "s"}
        </span>
        <span className="text-xs text-slate-500">
          signed checkpoints cover {chain.signedEvents} of {chain.events} · key <span className="font-mono">{trail.signingKey.keyId}</span>
        </span>
      </span>
    );
  }
  if (chain.brokenAt === undefined) {
    // The links hold, but a signed checkpoint says the chain was different when it was signed.
    return (
      <div role="status" aria-label="Audit chain" className="rounded bg-red-50 px-2 py-1 text-xs text-red-900 ring-1 ring-red-300">
        <p className="font-semibold">Chain BROKEN: signed checkpoint #{chain.checkpoint ?? "?"} does not match</p>
        {chain.reason ? <p>{reasonDetail(chain.reason)}</p> : null}
      </div>
    );
  }
  const at = chain.brokenAt;
  const event = trail.events[at];
  return (
    <div role="status" aria-label="Audit chain" className="rounded bg-red-50 px-2 py-1 text-xs text-red-900 ring-1 ring-red-300">
      <p className="font-semibold">
        Chain BROKEN at event {at + 1} of {chain.events}
        {event ? ` (${event.action}, #${event.id})` : ""}
      </p>
      {chain.reason ? <p>{reasonDetail(chain.reason)}</p> : null}
    </div>
  );
}

function EventRow({ event, broken }: { event: TrailEvent; broken: boolean }) {
  return (
    <li className={`py-2 [overflow-wrap:anywhere] ${broken ? "bg-red-50" : ""}`}>
      <p className="text-slate-800">
        <span className="font-medium">{event.actorLabel}</span> {event.summary}
        <span className="text-slate-500">
          {" · "}
          <LocalTime iso={event.createdAt} />
        </span>
      </p>
      <details className="mt-0.5">
        <summary className="cursor-pointer text-xs text-slate-500">
          #{event.id} · {event.action}
          {broken ? " · chain breaks here" : ""}
        </summary>
        <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-0.5 text-xs text-slate-700">
          <dt className="text-slate-500">Target</dt>
          <dd className="break-all">
            {event.targetType}
            {event.targetId ? ` ${event.targetId}` : ""}
          </dd>
          <dt className="text-slate-500">At</dt>
          <dd>{event.createdAt}</dd>
          {event.requestId ? (
            <>
              <dt className="text-slate-500">Request</dt>
              <dd className="break-all font-mono">{event.requestId}</dd>
            </>
          ) : null}
          {event.ip ? (
            <>
              <dt className="text-slate-500">From</dt>
              <dd className="font-mono">{event.ip}</dd>
            </>
          ) : null}
          {event.before !== null && event.before !== undefined ? (
            <>
              <dt className="text-slate-500">Before</dt>
              <dd>
                <JsonText value={event.before} />
              </dd>
            </>
          ) : null}
          {event.after !== null && event.after !== undefined ? (
            <>
              <dt className="text-slate-500">After</dt>
              <dd>
                <JsonText value={event.after} />
              </dd>
            </>
          ) : null}
          <dt className="text-slate-500">Hash</dt>
          <dd className="break-all font-mono">
            {event.hash ?? "none"} (after {event.prevHash ? event.prevHash.slice(0, 12) : "nothing: first event"})
          </dd>
        </dl>
      </details>
    </li>
  );
}

function JsonText({ value }: { value: unknown }) {
  return <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-1 font-mono">{JSON.stringify(value, null, 2)}</pre>;
}

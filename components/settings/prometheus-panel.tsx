"use client";
// The project's Prometheus: metric and watch items with `source: prometheus` and a `query` read
// from it. The bearer token is write-only: the page only says whether one is set.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { setPrometheusSourceAction } from "@/app/projects/[project]/settings/actions";

export function PrometheusPanel({ project, url, bearerTokenSet }: { project: string; url: string | null; bearerTokenSet: boolean }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { url: String(form.get("url") ?? ""), bearerToken: String(form.get("bearerToken") ?? ""), removeToken: form.get("removeToken") === "on" };
    startTransition(async () => {
      const outcome = await setPrometheusSourceAction(project, input);
      setMessage(
        outcome.ok
          ? { ok: true, text: outcome.value.url ? `Queries go to ${outcome.value.url}${outcome.value.bearerTokenSet ? " with the bearer token" : ""}.` : "No Prometheus: query items stay pending." }
          : { ok: false, text: outcome.error.message },
      );
      router.refresh();
    });
  }

  return (
    <form onSubmit={save} aria-label="Prometheus" className="space-y-3 text-sm">
      <p className="text-slate-600">
        Items with <code className="font-mono">source: prometheus</code> and a <code className="font-mono">query</code> are read with{" "}
        <code className="font-mono">GET /api/v1/query</code> on this Prometheus before a gate is read, and after a deploy while watching.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="font-medium">
          Base URL
          <input name="url" type="url" defaultValue={url ?? ""} placeholder="http://prometheus.internal:9090 (empty: none)" className="mt-1 block w-80 max-w-full rounded border border-slate-300 px-2 py-1.5 font-mono" />
        </label>
        <label className="font-medium">
          Bearer token {bearerTokenSet ? <span className="font-normal text-slate-500">(set; leave empty to keep)</span> : <span className="font-normal text-slate-500">(optional)</span>}
          <input name="bearerToken" type="password" autoComplete="off" className="mt-1 block w-72 max-w-full rounded border border-slate-300 px-2 py-1.5" />
        </label>
        {bearerTokenSet ? (
          <label className="flex items-center gap-2 pb-2">
            <input name="removeToken" type="checkbox" /> Remove the token
          </label>
        ) : null}
        <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          Save
        </button>
      </div>
      {message ? (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-800" : "text-red-700"}>
          {message.text}
        </p>
      ) : null}
    </form>
  );
}

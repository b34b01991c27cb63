"use client";
// The project's public badge key: badges a README can show without credentials, saying only
// whether each gate is open. The key and its Markdown are shown once, when made.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { createBadgeKeyAction, removeBadgeKeyAction } from "@/app/projects/[project]/settings/integration-actions";

type Url = { environment: string; url: string; markdown: string };

export function BadgeKeyPanel({ project, exists, createdAt }: { project: string; exists: boolean; createdAt: string | null }) {
  const router = useRouter();
  const [urls, setUrls] = useState<Url[] | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  function create() {
    startTransition(async () => {
      const outcome = await createBadgeKeyAction(project);
      if (outcome.ok) {
        setUrls(outcome.value.urls);
        setMessage({ ok: true, text: exists ? "New badge key: badges with the old one no longer load." : "Badge key created." });
      } else setMessage({ ok: false, text: outcome.error.message });
      router.refresh();
    });
  }

  function remove() {
    startTransition(async () => {
      const outcome = await removeBadgeKeyAction(project);
      setUrls(null);
      setMessage(outcome.ok ? { ok: true, text: "Badge key removed: its badges no longer load." } : { ok: false, text: outcome.error.message });
      router.refresh();
    });
  }

  return (
    <div className="space-y-3 text-sm">
      <p className="text-slate-600">
        A badge for a README: anyone with its address sees whether the latest release&apos;s gate is open, closed or overridden, and nothing else.{" "}
        {exists && createdAt ? <>A key exists (made {new Date(createdAt).toISOString().slice(0, 10)}).</> : "There is no key yet."}
      </p>
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={create} disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          {exists ? "Rotate badge key" : "Create badge key"}
        </button>
        {exists ? (
          <button type="button" onClick={remove} disabled={pending} className="rounded border border-red-300 px-3 py-1.5 font-medium text-red-800 hover:bg-red-50 disabled:opacity-60">
            Remove badge key
          </button>
        ) : null}
      </div>
      {urls ? (
        <div role="status" className="space-y-2 rounded border border-emerald-300 bg-emerald-50 p-3">
          <p className="font-medium">Copy the Markdown now: the key is shown only once.</p>
          {urls.map((u) => (
            <div key={u.environment}>
              <p className="text-xs text-slate-700">{u.environment}</p>
              <code className="block break-all rounded bg-white p-2 font-mono text-xs">{u.markdown}</code>
            </div>
          ))}
        </div>
      ) : null}
      {message ? (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-800" : "text-red-700"}>
          {message.text}
        </p>
      ) : null}
    </div>
  );
}

"use client";
// Links the project to a GitHub repository; its webhook's workflow and check events become results.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { setGithubLinkAction } from "@/app/projects/[project]/settings/actions";

export function GithubPanel({ project, repository, secretSet }: { project: string; repository: string | null; secretSet: boolean }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    startTransition(async () => {
      const outcome = await setGithubLinkAction(project, { repository: String(form.get("repository") ?? ""), secret: String(form.get("secret") ?? "") });
      setMessage(outcome.ok ? { ok: true, text: outcome.value.repository ? `Linked to ${outcome.value.repository}.` : "Unlinked." } : { ok: false, text: outcome.error.message });
      router.refresh();
    });
  }

  return (
    <form onSubmit={save} aria-label="GitHub repository" className="space-y-3 text-sm">
      <p className="text-slate-600">
        In the repository&apos;s <em>Settings → Webhooks</em>, add <code className="font-mono">/api/v1/webhooks/github</code> on this server with content type{" "}
        <code className="font-mono">application/json</code>, the same secret, and the <em>Workflow runs</em> and <em>Check runs</em> events. Results are keyed{" "}
        <code className="font-mono">github:&lt;workflow&gt;</code> and <code className="font-mono">github:&lt;app&gt;/&lt;check&gt;</code>.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="font-medium">
          Repository
          <input name="repository" defaultValue={repository ?? ""} placeholder="owner/name (empty: unlink)" className="mt-1 block w-72 rounded border border-slate-300 px-2 py-1.5 font-mono" />
        </label>
        <label className="font-medium">
          Webhook secret {secretSet ? <span className="font-normal text-slate-500">(set; leave empty to keep)</span> : null}
          <input name="secret" type="password" autoComplete="off" className="mt-1 block w-72 rounded border border-slate-300 px-2 py-1.5" />
        </label>
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

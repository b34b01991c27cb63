"use client";
// Links the project to GitLab: Shipcheck's GitLab user approves or rejects deployments to
// protected environments from the gate. The access token is write-only; the webhook secret
// token is shown once, when the link is made or the token rotated.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { removeGitlabLinkAction, rotateGitlabWebhookTokenAction, setGitlabLinkAction } from "@/app/projects/[project]/settings/integration-actions";
import type { GitlabLinkView } from "@/lib/integrations/gitlab/link";

const STATUS_TEXT: Record<string, string> = { waiting: "waiting for the gate", approved: "approved", rejected: "rejected", failed: "GitLab refused every try", ended: "GitLab went on" };

export function GitlabPanel({ project, link }: { project: string; link: GitlabLinkView }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const input = { baseUrl: String(form.get("baseUrl") ?? ""), projectId: String(form.get("projectId") ?? ""), accessToken: String(form.get("accessToken") ?? "") };
    startTransition(async () => {
      const outcome = await setGitlabLinkAction(project, input);
      if (outcome.ok) {
        // Write-only: the token leaves the page once saved.
        (element.elements.namedItem("accessToken") as HTMLInputElement).value = "";
        setMessage({ ok: true, text: "GitLab link saved." });
        if (outcome.value.webhookToken) setSecret(outcome.value.webhookToken);
      } else setMessage({ ok: false, text: outcome.error.message });
      router.refresh();
    });
  }

  function rotate() {
    startTransition(async () => {
      const outcome = await rotateGitlabWebhookTokenAction(project);
      if (outcome.ok) {
        setSecret(outcome.value.webhookToken);
        setMessage({ ok: true, text: "New webhook secret token: the old one no longer works." });
      } else setMessage({ ok: false, text: outcome.error.message });
    });
  }

  function unlink() {
    startTransition(async () => {
      const outcome = await removeGitlabLinkAction(project);
      setSecret(null);
      setMessage(outcome.ok ? { ok: true, text: "Unlinked from GitLab." } : { ok: false, text: outcome.error.message });
      router.refresh();
    });
  }

  return (
    <div className="space-y-3 text-sm">
      <p className="text-slate-600">
        In GitLab, protect the environments and add Shipcheck&apos;s GitLab user as an approver; add a webhook to{" "}
        <code className="font-mono">{link.webhookPath}</code> on this server with <em>Deployment events</em> and the secret token Shipcheck shows once when you link. Shipcheck approves a blocked
        deployment when its gate opens and rejects it when something failed; while evidence is missing it waits.
      </p>
      <form onSubmit={save} aria-label="GitLab link" className="flex flex-wrap items-end gap-3">
        <label className="font-medium">
          GitLab address
          <input name="baseUrl" defaultValue={link.baseUrl ?? ""} placeholder="https://gitlab.example.com" className="mt-1 block w-72 max-w-full rounded border border-slate-300 px-2 py-1.5 font-mono" />
        </label>
        <label className="font-medium">
          Project id
          <input name="projectId" inputMode="numeric" defaultValue={link.projectId ?? ""} placeholder="1234" className="mt-1 block w-28 rounded border border-slate-300 px-2 py-1.5 font-mono" />
        </label>
        <label className="font-medium">
          Access token {link.accessTokenSet ? <span className="font-normal text-slate-500">(set; leave empty to keep)</span> : null}
          <input name="accessToken" type="password" autoComplete="off" className="mt-1 block w-72 max-w-full rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          {link.linked ? "Save" : "Link GitLab"}
        </button>
      </form>
      {link.linked ? (
        <div className="flex flex-wrap gap-2">
          <button type="button" onClick={rotate} disabled={pending} className="rounded border border-slate-300 px-3 py-1.5 font-medium hover:bg-slate-50 disabled:opacity-60">
            New webhook secret token
          </button>
          <button type="button" onClick={unlink} disabled={pending} className="rounded border border-red-300 px-3 py-1.5 font-medium text-red-800 hover:bg-red-50 disabled:opacity-60">
            Unlink
          </button>
        </div>
      ) : null}
      {secret ? (
        <div role="status" className="rounded border border-emerald-300 bg-emerald-50 p-3">
          <p className="font-medium">Copy the webhook secret token now into GitLab&apos;s webhook settings: it is shown only once.</p>
          <code className="mt-1 block break-all rounded bg-white p-2 font-mono text-xs">{secret}</code>
        </div>
      ) : null}
      {message ? (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-800" : "text-red-700"}>
          {message.text}
        </p>
      ) : null}
      {link.approvals.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs">
            <caption className="mb-1 text-left text-sm font-semibold">Latest deployments waiting for Shipcheck</caption>
            <thead className="text-slate-600">
              <tr>
                <th className="py-1 pr-3 font-medium">Deployment</th>
                <th className="py-1 pr-3 font-medium">Environment</th>
                <th className="py-1 pr-3 font-medium">Release</th>
                <th className="py-1 pr-3 font-medium">Answer</th>
              </tr>
            </thead>
            <tbody>
              {link.approvals.map((a) => (
                <tr key={`${a.deploymentId}-${a.createdAt}`} className="border-t border-slate-100 align-top">
                  <td className="py-1 pr-3 font-mono">#{a.deploymentId}</td>
                  <td className="py-1 pr-3">{a.environment === a.gitlabEnvironment ? a.environment : `${a.gitlabEnvironment} → ${a.environment}`}</td>
                  <td className="py-1 pr-3 font-mono">{a.release ?? "—"}</td>
                  <td className="py-1 pr-3">
                    {STATUS_TEXT[a.status] ?? a.status}
                    {a.lastError ? <span className="block text-red-700">{a.lastError}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

"use client";
// Links the project to a GitHub repository (its events become results) and, optionally, the
// GitHub App Shipcheck answers as (commit statuses, deployment protection rules). Secrets are
// write-only here: the page only says whether they are set.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { setGithubLinkAction } from "@/app/projects/[project]/settings/actions";
import type { GithubDeliveryView } from "@/lib/server/github-deliveries";
import { LocalTime } from "@/components/local-time";

export type GithubSettings = {
  repository: string | null;
  secretSet: boolean;
  appId: string | null;
  privateKeySet: boolean;
  instanceApp: boolean;
  installationId: string | null;
  deliveries: GithubDeliveryView[];
};

const input = "mt-1 block w-72 max-w-full rounded border border-slate-300 px-2 py-1.5";

function attemptText(a: GithubDeliveryView["attempts"][number]): string {
  return a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? "no answer");
}

export function GithubPanel({ project, github }: { project: string; github: GithubSettings }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const field = (name: string) => String(form.get(name) ?? "");
    startTransition(async () => {
      const outcome = await setGithubLinkAction(project, { repository: field("repository"), secret: field("secret"), appId: field("appId"), privateKey: field("privateKey") });
      // Saved secrets leave the page: the fields say "set" instead.
      if (outcome.ok) for (const name of ["secret", "privateKey"]) {
        const control = element.elements.namedItem(name) as HTMLInputElement | HTMLTextAreaElement | null;
        if (control) control.value = "";
      }
      setMessage(outcome.ok ? { ok: true, text: outcome.value.repository ? `Linked to ${outcome.value.repository}.` : "Unlinked." } : { ok: false, text: outcome.error.message });
      router.refresh();
    });
  }

  const app = github.appId ? `App ${github.appId}` : github.instanceApp ? "the instance's App" : null;

  return (
    <div className="space-y-4 text-sm">
      <form onSubmit={save} aria-label="GitHub repository" className="space-y-3">
        <p className="text-slate-600">
          In the repository&apos;s <em>Settings → Webhooks</em> (or in your GitHub App), send <code className="font-mono">/api/v1/webhooks/github</code> on this server
          with content type <code className="font-mono">application/json</code>, the same secret, and the <em>Workflow runs</em>, <em>Workflow jobs</em> and <em>Check runs</em>{" "}
          events. Results are keyed <code className="font-mono">github:&lt;workflow&gt;</code>, <code className="font-mono">github:&lt;workflow&gt;/&lt;job&gt;</code> and{" "}
          <code className="font-mono">github:&lt;app&gt;/&lt;check&gt;</code>.
        </p>
        <div className="flex flex-wrap items-end gap-3">
          <label className="font-medium">
            Repository
            <input name="repository" defaultValue={github.repository ?? ""} placeholder="owner/name (empty: unlink)" className={`${input} font-mono`} />
          </label>
          <label className="font-medium">
            Webhook secret {github.secretSet ? <span className="font-normal text-slate-500">(set; leave empty to keep)</span> : null}
            <input name="secret" type="password" autoComplete="off" className={input} />
          </label>
        </div>
        <fieldset className="space-y-2 rounded border border-slate-200 p-3">
          <legend className="px-1 font-medium">GitHub App (commit statuses and deployment protection rules)</legend>
          <p className="text-slate-600">
            With a GitHub App installed on the repository, Shipcheck sets <code className="font-mono">shipcheck/&lt;environment&gt;</code> on the release&apos;s commit and answers the
            environment&apos;s deployment protection rule from its gate. Leave the App ID empty to use the instance&apos;s App{github.instanceApp ? "" : " (none is configured)"}.
          </p>
          <div className="flex flex-wrap items-end gap-3">
            <label className="font-medium">
              App ID
              <input name="appId" defaultValue={github.appId ?? ""} inputMode="numeric" placeholder="123456" className={`${input} font-mono`} />
            </label>
            <label className="font-medium">
              Private key (PEM) {github.privateKeySet ? <span className="font-normal text-slate-500">(set; leave empty to keep)</span> : null}
              <textarea name="privateKey" rows={2} autoComplete="off" spellCheck={false} placeholder="-----BEGIN RSA PRIVATE KEY-----" className={`${input} font-mono text-xs`} />
            </label>
          </div>
          <p className="text-slate-600">
            {app ? `Answering as ${app}; ` : "No App: nothing is sent to GitHub; "}
            {github.installationId ? `installation ${github.installationId} (from its latest event).` : "installation not seen yet (it is learnt from the App's first event)."}
          </p>
        </fieldset>
        <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          Save
        </button>
        {message ? (
          <p role={message.ok ? "status" : "alert"} className={message.ok ? "text-emerald-800" : "text-red-700"}>
            {message.text}
          </p>
        ) : null}
      </form>
      <div>
        <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Latest calls to GitHub</h3>
        {github.deliveries.length === 0 ? <p className="text-slate-600">Nothing sent yet.</p> : null}
        <ul className="divide-y divide-slate-100">
          {github.deliveries.map((d) => (
            <li key={d.id} className="flex flex-wrap gap-x-3 py-1.5">
              <span className="font-mono">{d.type === "github.status" ? "status" : "protection rule"}</span>
              <span>{d.summary}</span>
              <span className={d.status === "delivered" ? "text-emerald-800" : d.status === "failed" ? "text-red-800" : "text-slate-600"}>{d.status}</span>
              {d.attempts[0] ? <span className="text-slate-600">last try: {attemptText(d.attempts[0])}</span> : null}
              <span className="text-slate-500">
                <LocalTime iso={d.createdAt} />
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

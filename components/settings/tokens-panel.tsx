"use client";
// API tokens of a project: create (the secret is shown once), list with last use, revoke.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { createTokenAction, revokeTokenAction } from "@/app/projects/[project]/settings/actions";
import { LocalTime } from "@/components/local-time";
import { TOKEN_PERMISSIONS } from "@/lib/auth/tokens";
import type { ApiTokenView } from "@/lib/server/api-tokens";
import { FormError, problemsOf } from "@/components/form-error";

export function TokensPanel({ project, tokens }: { project: string; tokens: ApiTokenView[] }) {
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string[] | null>(null);
  const [pending, startTransition] = useTransition();

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const days = String(form.get("expiresInDays") ?? "");
    setError(null);
    setSecret(null);
    startTransition(async () => {
      const outcome = await createTokenAction(project, {
        name: String(form.get("name") ?? ""),
        permissions: form.getAll("permissions").map(String),
        expiresInDays: days ? Number(days) : undefined,
      });
      if (!outcome.ok) return setError(problemsOf(outcome.error));
      setSecret(outcome.value.token);
      router.refresh();
    });
  }

  function revoke(token: ApiTokenView) {
    if (!window.confirm(`Revoke token "${token.name}"? CI using it will get 401 from now on.`)) return;
    startTransition(async () => {
      const outcome = await revokeTokenAction(project, token.id);
      if (!outcome.ok) setError(problemsOf(outcome.error));
      router.refresh();
    });
  }

  return (
    <div className="space-y-4">
      <form onSubmit={create} aria-label="New API token" className="flex flex-wrap items-end gap-3 text-sm">
        <label className="font-medium">
          Name
          <input name="name" required maxLength={100} placeholder="e.g. github-actions" className="mt-1 block rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <fieldset className="flex flex-wrap gap-3">
          <legend className="mb-1 font-medium">Permissions</legend>
          {TOKEN_PERMISSIONS.map((permission) => (
            <label key={permission} className="flex items-center gap-1 font-mono text-xs">
              <input type="checkbox" name="permissions" value={permission} defaultChecked={permission !== "templates:write"} />
              {permission}
            </label>
          ))}
        </fieldset>
        <label className="font-medium">
          Expires in (days)
          <input name="expiresInDays" type="number" min={1} max={3650} placeholder="never" className="mt-1 block w-28 rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          Create token
        </button>
      </form>
      {secret ? (
        <div role="status" className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm">
          <p className="font-medium">Copy this token now: it is shown only once, and only its hash is stored.</p>
          <code className="mt-1 block break-all rounded bg-white p-2 font-mono text-xs">{secret}</code>
        </div>
      ) : null}
      <FormError message={error} />
      {/* Scrolls inside its own box on a phone rather than widening the page. */}
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          <thead className="text-left text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="py-1">Name</th>
              <th>Token</th>
              <th>Permissions</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {tokens.map((t) => (
              <tr key={t.id} className={t.revokedAt ? "text-slate-400" : ""}>
                <td className="py-1.5 font-medium">{t.name}</td>
                <td className="font-mono text-xs">{t.prefix}…</td>
                <td className="font-mono text-xs">{t.permissions.join(", ")}</td>
                <td className="text-xs">{t.lastUsedAt ? <LocalTime iso={t.lastUsedAt} /> : "never"}</td>
                <td className="text-xs">{t.expiresAt ? <LocalTime iso={t.expiresAt} /> : "never"}</td>
                <td className="text-right">
                  {t.revokedAt ? (
                    <span className="text-xs">revoked <LocalTime iso={t.revokedAt} /></span>
                  ) : (
                    <button type="button" onClick={() => revoke(t)} disabled={pending} aria-label={`Revoke ${t.name}`} className="text-xs text-red-700 underline">
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {tokens.length === 0 ? <p className="text-sm text-slate-600">No tokens yet.</p> : null}
    </div>
  );
}

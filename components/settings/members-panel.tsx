"use client";
// Who works on the project and in which role; admins add people, change roles, remove them, and
// sign them out everywhere (a lost laptop, a leaked session).
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { addMemberAction, endMemberSessionsAction, removeMemberAction, setMemberRoleAction } from "@/app/projects/[project]/settings/actions";
import { FormError, problemsOf } from "@/components/form-error";
import type { MemberView } from "@/lib/server/members";
import { ROLES } from "@/lib/templates/schema";

const field = "rounded border border-slate-300 px-2 py-1.5";

export function MembersPanel({ project, members, viewerId }: { project: string; members: MemberView[]; viewerId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string[] | null>(null);
  const [created, setCreated] = useState<{ email: string; password: string } | null>(null);
  const [signedOut, setSignedOut] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function run(work: () => Promise<{ ok: boolean; error?: { message: string; details?: { message: string }[] } }>) {
    setError(null);
    setSignedOut(null);
    startTransition(async () => {
      const outcome = await work();
      if (!outcome.ok) setError(outcome.error ? problemsOf(outcome.error) : ["Something went wrong; nothing was changed. Try again."]);
      router.refresh();
    });
  }

  function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    setCreated(null);
    run(async () => {
      const outcome = await addMemberAction(project, { email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "viewer") });
      if (outcome.ok) {
        target.reset();
        if (outcome.value.password) setCreated({ email: outcome.value.email, password: outcome.value.password });
      }
      return outcome;
    });
  }

  return (
    <div className="space-y-3 text-sm">
      {/* A list rather than a table: on a phone each member's role and actions wrap below the email. */}
      <ul aria-label="Project members" className="divide-y divide-slate-100">
        {members.map((m) => (
          <li key={m.userId} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-1.5">
            <span className="min-w-0 flex-1 basis-48 break-words">
              {m.email}
              {m.userId === viewerId ? <span className="ml-1 text-xs text-slate-500">(you)</span> : null}
            </span>
            <select aria-label={`Role of ${m.email}`} value={m.role} disabled={pending} onChange={(e) => run(() => setMemberRoleAction(project, m.userId, e.target.value))} className={field}>
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
            <span className="flex gap-3 sm:w-52 sm:justify-end">
              {m.userId === viewerId ? null : (
                <button
                  type="button"
                  // The visible words first, then whose (WCAG 2.5.3: the name contains the label).
                  aria-label={`Sign out everywhere: ${m.email}`}
                  disabled={pending}
                  onClick={() =>
                    window.confirm(`Sign ${m.email} out everywhere? Every browser and device signed in as them is signed out; they can sign in again with their password.`) &&
                    run(async () => {
                      const outcome = await endMemberSessionsAction(project, m.userId);
                      if (outcome.ok) setSignedOut(m.email);
                      return outcome;
                    })
                  }
                  className="whitespace-nowrap text-xs text-slate-700 underline"
                >
                  Sign out everywhere
                </button>
              )}
              <button
                type="button"
                aria-label={`Remove ${m.email}`}
                disabled={pending}
                onClick={() => window.confirm(`Remove ${m.email} from the project?`) && run(() => removeMemberAction(project, m.userId))}
                className="text-xs text-red-700 underline"
              >
                Remove
              </button>
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={add} aria-label="Add member" className="flex flex-wrap items-end gap-3">
        <label className="font-medium">
          Email
          <input name="email" type="email" required className={`mt-1 block w-72 ${field}`} />
        </label>
        <label className="font-medium">
          Role
          <select name="role" defaultValue="engineer" className={`mt-1 block ${field}`}>
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
          Add member
        </button>
      </form>
      {created ? (
        <div role="status" className="rounded border border-emerald-300 bg-emerald-50 p-3">
          Account created for {created.email}. Their password, shown once: <code className="font-mono">{created.password}</code>
        </div>
      ) : null}
      {signedOut ? (
        <p role="status" className="rounded border border-emerald-300 bg-emerald-50 p-3">
          {signedOut} was signed out everywhere.
        </p>
      ) : null}
      <FormError message={error} />
    </div>
  );
}

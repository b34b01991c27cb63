"use client";
// Turns the project's email notifications on or off: each goes to the members who can act.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { setEmailNotificationsAction } from "@/app/projects/[project]/settings/actions";
import { FormError } from "@/components/form-error";

export function EmailNotifications({ project, enabled, smtpConfigured }: { project: string; enabled: boolean; smtpConfigured: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // Shown as chosen at once; put back if the server refuses.
  const [on, setOn] = useState(enabled);

  function toggle(email: boolean) {
    setError(null);
    setOn(email);
    startTransition(async () => {
      const outcome = await setEmailNotificationsAction(project, { email });
      if (!outcome.ok) {
        setError(outcome.error.message);
        setOn(!email);
      }
      router.refresh();
    });
  }

  return (
    <div className="space-y-1 text-sm">
      <label className="flex items-start gap-2">
        <input type="checkbox" className="mt-1" checked={on} disabled={pending} onChange={(e) => toggle(e.target.checked)} />
        <span>
          <span className="font-medium">Email the people who can act</span>
          <span className="block text-slate-600">For a sign-off, the members who may give it; for gates, deploys and rollbacks, release managers and admins. Each person can turn types off on their account page.</span>
        </span>
      </label>
      {!smtpConfigured ? <p className="text-amber-900">This server has no SMTP server configured (SHIPCHECK_SMTP_URL): no email goes out until it has one.</p> : null}
      <FormError message={error} />
    </div>
  );
}

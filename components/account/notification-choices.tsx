"use client";
// Which notifications the person gets by email: one checkbox per type, saved together.
import { useState, useTransition, type FormEvent } from "react";
import { setNotificationPreferencesAction } from "@/app/account/actions";
import { FormError } from "@/components/form-error";
import { NOTIFICATION_LABELS, NOTIFICATION_TYPES, type NotificationType } from "@/lib/notifications/events";

export function NotificationChoices({ chosen }: { chosen: { type: NotificationType; email: boolean }[] }) {
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const wanted = new Set(chosen.filter((c) => c.email).map((c) => c.type));

  function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const ticked = new Set(new FormData(event.currentTarget).getAll("email").map(String));
    setMessage(null);
    setError(null);
    startTransition(async () => {
      const outcome = await setNotificationPreferencesAction({ optOut: NOTIFICATION_TYPES.filter((t) => !ticked.has(t)) });
      if (!outcome.ok) return setError(outcome.error.message);
      setMessage("Saved.");
    });
  }

  return (
    <form onSubmit={save} aria-label="Email notifications" className="space-y-3 text-sm">
      <fieldset className="space-y-1">
        <legend className="mb-1 font-medium">Email me when</legend>
        {NOTIFICATION_TYPES.map((type) => (
          <label key={type} className="flex items-center gap-2">
            <input type="checkbox" name="email" value={type} defaultChecked={wanted.has(type)} />
            {NOTIFICATION_LABELS[type]}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={pending} className="rounded bg-slate-900 px-4 py-2 font-medium text-white hover:bg-slate-700 disabled:opacity-60">
        Save choices
      </button>
      {message ? (
        <p role="status" className="text-emerald-800">
          {message}
        </p>
      ) : null}
      <FormError message={error} />
    </form>
  );
}

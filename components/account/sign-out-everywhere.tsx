"use client";
// Ends every session of the signed-in person, after a confirmation; then back to sign-in.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { signOutEverywhereAction } from "@/app/account/actions";
import { FormError } from "@/components/form-error";

export function SignOutEverywhere() {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function signOutEverywhere() {
    setError(null);
    startTransition(async () => {
      const outcome = await signOutEverywhereAction();
      if (!outcome.ok) return setError(outcome.error.message);
      // The refresh renders the header again, signed out.
      router.replace("/signin");
      router.refresh();
    });
  }

  if (!confirming) {
    return (
      <button type="button" onClick={() => setConfirming(true)} className="rounded-md border border-red-300 px-4 py-2 font-medium text-red-700 hover:bg-red-50">
        Sign out everywhere
      </button>
    );
  }
  return (
    <div role="group" aria-label="Confirm signing out everywhere" className="space-y-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm">
      <p>You will be signed out on every browser and device, this one included, and need your password to sign in again.</p>
      <div className="flex flex-wrap gap-2">
        <button type="button" disabled={pending} onClick={signOutEverywhere} className="rounded-md bg-red-700 px-4 py-2 font-medium text-white hover:bg-red-800 disabled:opacity-60">
          {pending ? "Signing out…" : "Yes, sign out everywhere"}
        </button>
        <button type="button" disabled={pending} onClick={() => setConfirming(false)} className="rounded-md border border-slate-300 bg-white px-4 py-2 font-medium text-slate-700 hover:bg-slate-100">
          Cancel
        </button>
      </div>
      <FormError message={error} />
    </div>
  );
}

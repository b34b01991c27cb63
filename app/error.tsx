"use client";
// An unexpected error while showing a page, inside the app's layout: what happened, and a way on.
import Link from "next/link";

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto mt-12 max-w-xl rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">This page could not be shown</h1>
      <p className="mt-2 text-sm text-slate-700">
        Something went wrong on the server. Nothing was changed by showing it. Try again; if it keeps happening, give the administrator this reference
        {error.digest ? (
          <>
            : <code className="font-mono">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <p className="mt-4 flex gap-4 text-sm">
        <button type="button" onClick={reset} className="rounded border border-slate-300 px-3 py-1 font-medium">
          Try again
        </button>
        <Link href="/" className="self-center font-medium text-slate-900 underline underline-offset-2">
          All projects
        </Link>
      </p>
    </div>
  );
}

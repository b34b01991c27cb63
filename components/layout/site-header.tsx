import Link from "next/link";
import { SignOutButton } from "./sign-out-button";

export function SiteHeader({ email }: { email: string | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between px-4 py-3">
        <Link href="/" className="text-lg font-semibold tracking-tight text-slate-900">
          Ship<span className="text-emerald-700">check</span>
        </Link>
        {email ? (
          <div className="flex items-center gap-3 text-sm text-slate-600">
            <Link href="/queue" className="rounded-md px-1 font-medium text-slate-700 hover:text-slate-900 hover:underline">
              <span className="hidden sm:inline">Your queue</span>
              <span className="sm:hidden">Queue</span>
            </Link>
            <Link href="/account" className="rounded-md px-1 hover:text-slate-900 hover:underline">
              <span className="hidden sm:inline">{email}</span>
              <span className="sm:hidden">Account</span>
            </Link>
            <SignOutButton />
          </div>
        ) : null}
      </div>
    </header>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { formatTime } from "@/components/format-time";
import { waitedSince } from "@/components/waited";
import { requireUserForPage } from "@/lib/auth/session";
import { pageData } from "@/lib/http/page";
import { getMyQueue } from "@/lib/server/my-queue";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Your queue" };

export default async function QueuePage() {
  const principal = await requireUserForPage("/queue");
  const entries = await pageData(getMyQueue(principal));
  return (
    <div className="mx-auto max-w-3xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Waiting for your sign-off</h1>
        <p className="mt-1 text-sm text-slate-600">Items that hold a gate closed, that your role can sign and that you have not signed yet: those assigned to you first, then oldest first.</p>
      </div>
      {entries.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700 shadow-sm">Nothing waits for you: no item you can sign is holding a gate closed.</p>
      ) : (
        <ol aria-label="Your queue" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm">
          {entries.map((entry) => (
            <li key={`${entry.project}/${entry.release}/${entry.item}/${entry.environment}`} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-4 py-3">
              <div className="min-w-0">
                <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
                  <Link href={entry.path} className="font-medium text-slate-900 underline decoration-slate-300 underline-offset-2 hover:decoration-slate-900">
                    {entry.title}
                  </Link>
                  {entry.assignedToYou ? <span className="rounded bg-indigo-100 px-1.5 py-0.5 text-xs font-semibold text-indigo-900">Assigned to you</span> : null}
                </div>
                <p className="text-sm text-slate-700 [overflow-wrap:anywhere]">
                  {entry.projectName} {entry.release} · sign for <span className="font-medium">{entry.environment}</span>
                  {entry.blocks.some((e) => e !== entry.environment) ? ` · holds ${entry.blocks.join(", ")} closed` : ""}
                </p>
                <p className="text-xs text-slate-600">{entry.detail}</p>
              </div>
              <p className="shrink-0 text-sm text-slate-600" title={formatTime(entry.waitingSince)}>
                waiting {waitedSince(entry.waitingSince)}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

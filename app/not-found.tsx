import Link from "next/link";

// Any page that does not exist, or that the reader may not know exists: the same answer for both.
export default function NotFound() {
  return (
    <div className="mx-auto mt-12 max-w-xl rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-700">
        There is nothing here, or it belongs to a project you are not a member of. Check the address, or ask a project admin to add you.
      </p>
      <p className="mt-4 flex gap-4 text-sm">
        <Link href="/" className="font-medium text-slate-900 underline underline-offset-2">
          All projects
        </Link>
        <Link href="/queue" className="font-medium text-slate-900 underline underline-offset-2">
          Your queue
        </Link>
      </p>
    </div>
  );
}

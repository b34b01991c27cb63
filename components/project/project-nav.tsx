import Link from "next/link";

/** Project header with its areas: releases, templates and (for admins) settings. */
type Area = "releases" | "templates" | "settings";

export function ProjectNav({ slug, name, current, showSettings = false }: { slug: string; name: string; current: Area; showSettings?: boolean }) {
  const tab = (key: Area, href: string, label: string) => (
    <Link
      href={href}
      aria-current={current === key ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${current === key ? "bg-slate-900 text-white" : "text-slate-600 hover:bg-slate-200"}`}
    >
      {label}
    </Link>
  );
  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
      <div>
        <p className="text-sm text-slate-500">Project</p>
        <h1 className="text-2xl font-semibold">
          {name} <span className="font-mono text-base font-normal text-slate-500">{slug}</span>
        </h1>
      </div>
      <nav aria-label="Project" className="flex gap-1">
        {tab("releases", `/projects/${slug}`, "Releases")}
        {tab("templates", `/projects/${slug}/templates`, "Templates")}
        {showSettings ? tab("settings", `/projects/${slug}/settings`, "Settings") : null}
      </nav>
    </div>
  );
}

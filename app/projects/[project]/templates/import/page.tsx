import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ProjectNav } from "@/components/project/project-nav";
import { ImportForm } from "@/components/templates/import-form";
import { roleIn } from "@/lib/auth/permissions";
import { requireUserForPage } from "@/lib/auth/session";
import { orNotFound, pageData } from "@/lib/http/page";
import { roleAtLeast } from "@/lib/gate/roles";
import { listTemplates } from "@/lib/server/get-templates";
import { findProject } from "@/lib/server/lookup";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Import a checklist" };

/** Markdown checklist -> reviewed, edited template -> saved as a new version. Admins only. */
export default async function ImportTemplatePage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const principal = await requireUserForPage(`/projects/${slug}/templates/import`);
  const templates = await orNotFound(listTemplates({ principal }, slug));
  const project = await pageData(findProject(slug));
  const role = roleIn(principal, project.id);
  if (role === null) notFound();
  const canImport = roleAtLeast(role, "admin");

  return (
    <div className="space-y-6">
      <ProjectNav slug={slug} name={project.name} current="templates" showSettings={canImport} />
      <div>
        <h2 className="text-xl font-semibold">Import a Markdown checklist</h2>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Paste your team&apos;s deployment checklist (or load the <span className="font-mono">.md</span> file) and preview what Shipcheck makes of it. Review each item&apos;s title, kind, key,
          sign-off role and where it is done, fix what the importer guessed wrong, then save it as a template version. Nothing is saved until you press <strong>Save template</strong>.
        </p>
      </div>
      {canImport ? (
        <ImportForm
          project={slug}
          existing={templates.map((t) => ({ name: t.name, latestVersion: t.latestVersion }))}
          environments={project.environments.map((e) => e.name)}
        />
      ) : (
        <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
          <p className="font-medium">Only project admins can import templates.</p>
          <p className="mt-1">
            Your role in this project is <strong>{role}</strong>. Ask an admin of {project.name} to import the checklist, or{" "}
            <Link href={`/projects/${slug}/templates`} className="text-sky-700 underline">
              browse the existing templates
            </Link>
            .
          </p>
        </div>
      )}
    </div>
  );
}

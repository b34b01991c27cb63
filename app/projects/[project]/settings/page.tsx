import type { Metadata } from "next";
import { ProjectNav } from "@/components/project/project-nav";
import { BadgeKeyPanel } from "@/components/settings/badge-key-panel";
import { EmailNotifications } from "@/components/settings/email-notifications";
import { GithubPanel } from "@/components/settings/github-panel";
import { GitlabPanel } from "@/components/settings/gitlab-panel";
import { MembersPanel } from "@/components/settings/members-panel";
import { PrometheusPanel } from "@/components/settings/prometheus-panel";
import { TokensPanel } from "@/components/settings/tokens-panel";
import { WebhooksPanel } from "@/components/settings/webhooks-panel";
import { requireUserForPage } from "@/lib/auth/session";
import { roleIn } from "@/lib/auth/permissions";
import { orForbidden, pageData } from "@/lib/http/page";
import { findProject } from "@/lib/server/lookup";
import { getProjectSettings } from "@/lib/server/get-project-settings";
import { getBadgeKey } from "@/lib/server/badge-keys";
import { getGitlabLink } from "@/lib/integrations/gitlab/link";

export const dynamic = "force-dynamic";

const roleLabel = (role: string | null) => (role ? `${/^[aeiou]/.test(role) ? "an" : "a"} ${role}` : "a member");
export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: slug } = await params;
  const principal = await requireUserForPage(`/projects/${slug}/settings`);
  const settings = await orForbidden(getProjectSettings({ principal }, slug));
  if ("forbidden" in settings) {
    // A member without the admin role: told why, rather than shown a page that seems not to exist.
    return (
      <div className="mx-auto max-w-2xl space-y-3">
        <h1 className="text-2xl font-semibold">Project settings</h1>
        <p role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
          Members, API tokens, webhooks, the GitHub link and Prometheus are managed by the project&apos;s admins. You are {roleLabel(roleIn(principal, (await pageData(findProject(slug))).id))} here: ask one of its admins for what you need.
        </p>
      </div>
    );
  }
  const badge = await getBadgeKey({ principal }, slug);
  return (
    <div className="space-y-6">
      <ProjectNav slug={slug} name={settings.project.name} current="settings" showSettings />
      <section aria-labelledby="members" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="members" className="mb-3 font-semibold">
          Members
        </h2>
        <MembersPanel project={slug} members={settings.members} viewerId={principal.user.id} />
      </section>
      <section aria-labelledby="tokens" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="tokens" className="mb-1 font-semibold">
          API tokens
        </h2>
        <p className="mb-3 text-sm text-slate-600">For CI: send as <code className="font-mono">Authorization: Bearer shp_…</code>. Each token works for this project only.</p>
        <TokensPanel project={slug} tokens={settings.tokens} />
      </section>
      <section aria-labelledby="webhooks" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="webhooks" className="mb-1 font-semibold">
          Notifications
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          Shipcheck tells people and other systems when a gate opens or closes, a sign-off is the last thing missing, an item is rejected, a deploy is recorded or a rollback is recommended. Failed deliveries are retried for more than a day.
        </p>
        <div className="mb-4">
          <EmailNotifications project={slug} enabled={settings.email.enabled} smtpConfigured={settings.email.smtpConfigured} />
        </div>
        <h3 className="mb-2 text-sm font-semibold">Webhooks</h3>
        <WebhooksPanel project={slug} webhooks={settings.webhooks} />
      </section>
      <section aria-labelledby="github" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="github" className="mb-3 font-semibold">
          GitHub
        </h2>
        <GithubPanel project={slug} github={settings.github} />
      </section>
      <section aria-labelledby="prometheus" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="prometheus" className="mb-3 font-semibold">
          Prometheus
        </h2>
        <PrometheusPanel project={slug} url={settings.prometheus.url} bearerTokenSet={settings.prometheus.bearerTokenSet} />
      </section>
      <section aria-labelledby="gitlab" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="gitlab" className="mb-3 font-semibold">
          GitLab
        </h2>
        <GitlabPanel project={slug} link={await getGitlabLink({ principal }, slug)} />
      </section>
      <section aria-labelledby="badge" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="badge" className="mb-3 font-semibold">
          Public badge
        </h2>
        <BadgeKeyPanel project={slug} exists={badge.exists} createdAt={badge.createdAt} />
      </section>
    </div>
  );
}

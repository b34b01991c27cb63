import type { Metadata } from "next";
import { ReleaseView } from "@/components/release/release-view";
import { requireUserForPage } from "@/lib/auth/session";
import { orNotFound } from "@/lib/http/page";
import { getReleaseState } from "@/lib/server/get-release-state";

export const dynamic = "force-dynamic";

/** How often the page polls while its event stream is down (SHIPCHECK_FALLBACK_POLL_SECONDS, default 3). */
function fallbackPollMs(): number {
  const configured = Number(process.env.SHIPCHECK_FALLBACK_POLL_SECONDS);
  return (Number.isFinite(configured) && configured > 0 ? configured : 3) * 1000;
}

type Params = { project: string; version: string };

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { project, version } = await params;
  return { title: `${decodeURIComponent(version)} · ${project}` };
}

export default async function ReleasePage({ params, searchParams }: { params: Promise<Params>; searchParams: Promise<{ env?: string }> }) {
  const { project, version: rawVersion } = await params;
  const version = decodeURIComponent(rawVersion);
  const principal = await requireUserForPage(`/projects/${project}/releases/${encodeURIComponent(version)}`);
  const state = await orNotFound(getReleaseState({ principal }, project, version));
  const { env } = await searchParams;
  const environment = env && state.environments.includes(env) ? env : state.environments[0]!;
  return <ReleaseView initialState={state} initialEnvironment={environment} fallbackPollMs={fallbackPollMs()} />;
}

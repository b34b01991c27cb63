// Where GitHub's REST API is and which App Shipcheck acts as. The base URL is configurable
// (GitHub Enterprise Server, or a local stand-in in the tests); the App's credentials are the
// project's own when it has them, else the instance's. Never returned by the API, never logged.
export const DEFAULT_GITHUB_API_URL = "https://api.github.com";

export function githubApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.SHIPCHECK_GITHUB_API_URL || DEFAULT_GITHUB_API_URL).replace(/\/+$/, "");
}

export type GithubAppCredentials = { appId: string; privateKey: string };

/** A PEM in an environment variable often has its newlines written as `\n`. */
const pem = (text: string) => text.replace(/\\n/g, "\n").trim();

export function githubAppCredentials(
  project: { githubAppId: string | null; githubAppPrivateKey: string | null },
  env: NodeJS.ProcessEnv = process.env,
): GithubAppCredentials | null {
  if (project.githubAppId && project.githubAppPrivateKey) return { appId: project.githubAppId, privateKey: pem(project.githubAppPrivateKey) };
  const appId = env.SHIPCHECK_GITHUB_APP_ID;
  const privateKey = env.SHIPCHECK_GITHUB_APP_PRIVATE_KEY;
  return appId && privateKey ? { appId, privateKey: pem(privateKey) } : null;
}

/**
 * The review address GitHub gave (`deployment_callback_url`), as a path on the configured API:
 * an installation token is only ever sent to GitHub, so any other host or path is refused.
 */
export function reviewPath(callbackUrl: string, apiUrl = githubApiUrl()): string | null {
  if (!URL.canParse(callbackUrl)) return null;
  const url = new URL(callbackUrl);
  const base = new URL(apiUrl);
  if (url.origin !== base.origin || url.search || url.hash) return null;
  const prefix = base.pathname.replace(/\/+$/, "");
  if (!url.pathname.startsWith(`${prefix}/`)) return null;
  const path = url.pathname.slice(prefix.length);
  return /^\/repos\/[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+\/actions\/runs\/\d{1,20}\/deployment_protection_rule$/.test(path) ? path : null;
}

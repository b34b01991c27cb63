// Installation access tokens of a GitHub App, through @octokit/auth-app: a JWT signed with the
// App's private key asks POST /app/installations/{id}/access_tokens. auth-app keeps each token
// until a minute before GitHub's expiry, so one auth object per App is kept for the process.
import { createAppAuth } from "@octokit/auth-app";
import { request } from "@octokit/request";
import { createHash } from "node:crypto";
import { githubApiUrl, type GithubAppCredentials } from "./config";

type AppAuth = ReturnType<typeof createAppAuth>;

const globalForAuth = globalThis as unknown as { shipcheckGithubAuth?: Map<string, AppAuth> };

function appAuth(credentials: GithubAppCredentials, baseUrl: string): AppAuth {
  const cache = (globalForAuth.shipcheckGithubAuth ??= new Map());
  // Keyed by a digest, so the key itself is not kept as a map key (and a new key gets a new auth).
  const key = createHash("sha256").update(`${baseUrl}\n${credentials.appId}\n${credentials.privateKey}`).digest("hex");
  let auth = cache.get(key);
  if (!auth) {
    auth = createAppAuth({
      appId: credentials.appId,
      privateKey: credentials.privateKey,
      request: request.defaults({ baseUrl, headers: { "user-agent": "Shipcheck" } }),
    });
    cache.set(key, auth);
  }
  return auth;
}

export async function installationToken(credentials: GithubAppCredentials, installationId: string, baseUrl = githubApiUrl()): Promise<string> {
  const auth = appAuth(credentials, baseUrl);
  const result = await auth({ type: "installation", installationId: Number(installationId) });
  return result.token;
}

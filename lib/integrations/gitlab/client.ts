// The one call Shipcheck makes to GitLab: approve or reject a blocked deployment
// (POST /projects/:id/deployments/:deployment_id/approval, Deployments API). The access token goes
// in PRIVATE-TOKEN and nowhere else: not in errors, not in what is stored of the answer.
export type ApprovalAnswer = { status: "approved" | "rejected"; comment: string };

export type CallOutcome = { ok: boolean; statusCode: number | null; error: string | null };

const EXCERPT = 300;
const timeoutMs = () => Number(process.env.SHIPCHECK_NOTIFY_TIMEOUT_MS) || 10_000;

export function approvalUrl(baseUrl: string, gitlabProjectId: number, deploymentId: bigint | number): string {
  return `${baseUrl.replace(/\/+$/, "")}/api/v4/projects/${gitlabProjectId}/deployments/${deploymentId}/approval`;
}

export async function postApproval(
  link: { baseUrl: string; gitlabProjectId: number; accessToken: string },
  deploymentId: bigint | number,
  answer: ApprovalAnswer,
): Promise<CallOutcome> {
  try {
    const response = await fetch(approvalUrl(link.baseUrl, link.gitlabProjectId, deploymentId), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "user-agent": "Shipcheck-GitLab/1", "private-token": link.accessToken },
      body: JSON.stringify({ status: answer.status, comment: answer.comment }),
      // A redirect would carry the token elsewhere: not followed.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs()),
    });
    const text = (await response.text().catch(() => "")).slice(0, EXCERPT);
    if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status, error: null };
    return { ok: false, statusCode: response.status, error: `GitLab answered ${response.status}${text ? `: ${scrub(text, link.accessToken)}` : ""}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === "TimeoutError" ? `no answer within ${timeoutMs()} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { ok: false, statusCode: null, error: scrub(String(why), link.accessToken).slice(0, EXCERPT) };
  }
}

/** A server that echoes the request back must not make the token part of what is stored. */
function scrub(text: string, token: string): string {
  return token ? text.split(token).join("[token]") : text;
}

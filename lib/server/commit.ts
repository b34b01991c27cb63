// CI often knows only a short SHA: a prefix of the release's commit means that commit.
export function resolveCommit(reported: string | undefined, releaseCommit: string): string {
  if (!reported) return releaseCommit;
  return reported.length < releaseCommit.length && releaseCommit.startsWith(reported) ? releaseCommit : reported;
}

// The GitHub Action (action.yml) and the GitLab CI include (docs/gitlab-ci.yml) as CI runs them:
// their shell, with the variables the CI system would set, in an empty workspace, downloading the
// CLI from the running app and calling it. What docs/ci.md shows, run for real.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { makeProject } from "../support/fixtures";
import { openStagingGate } from "../support/flow";
import { api, baseUrl } from "../support/http";

type Run = { code: number; stdout: string; stderr: string };

function bash(script: string, env: Record<string, string>, cwd: string): Promise<Run> {
  const clean: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env };
  return new Promise((resolve) => {
    execFile("bash", ["-eo", "pipefail", "-c", script], { cwd, env: clean as NodeJS.ProcessEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const JUNIT = (cls: string, test: string) => `<?xml version="1.0"?><testsuite name="pytest" tests="1"><testcase classname="${cls}" name="${test}"/></testsuite>`;

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "shipcheck-ci-"));
  await mkdir(path.join(dir, "reports"));
  await writeFile(path.join(dir, "reports", "a.xml"), JUNIT("tests.smoke.test_a", "test_one"));
  await writeFile(path.join(dir, "reports", "b.xml"), JUNIT("tests.smoke.test_b", "test_two"));
  return dir;
}

const runs = async (p: { slug: string; version: string; token: string }, key: string) =>
  ((await api(`/api/v1/projects/${p.slug}/releases/${p.version}/results/history?key=${encodeURIComponent(key)}`, { token: p.token })).body as { runs: { environment: string | null }[] }).runs;

type Action = { inputs: Record<string, { default?: string }>; runs: { using: string; steps: { id: string; shell: string; env: Record<string, string>; run: string }[] } };

/** The action's one step with its inputs, as the runner would run it. */
async function runAction(inputs: Record<string, string>, cwd: string): Promise<Run & { outputs: string }> {
  const action = parseYaml(await readFile(path.join(process.cwd(), "action.yml"), "utf8")) as Action;
  expect(action.runs.using).toBe("composite");
  const [step] = action.runs.steps;
  const runnerTemp = await mkdtemp(path.join(tmpdir(), "runner-temp-"));
  const outputFile = path.join(runnerTemp, "output");
  await writeFile(outputFile, "");
  const env = Object.fromEntries(
    Object.entries(step!.env).map(([name, value]) => [
      name,
      value.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, input: string) => inputs[input] ?? action.inputs[input]?.default ?? ""),
    ]),
  );
  const run = await bash(step!.run, { ...env, RUNNER_TEMP: runnerTemp, GITHUB_OUTPUT: outputFile, GITHUB_ACTIONS: "true" }, cwd);
  return { ...run, outputs: await readFile(outputFile, "utf8") };
}

describe("the GitHub Action (action.yml)", () => {
  it("report posts every file the glob matches; gate says closed (exit 1, open=false); wait opens once signed off (open=true)", async () => {
    const p = await makeProject();
    const cwd = await workspace();
    const common = { url: baseUrl(), token: p.token, project: p.slug, release: p.version };

    const reported = await runAction({ ...common, command: "report", environment: "staging", files: "reports/*.xml" }, cwd);
    expect(reported.stderr).toBe("");
    expect(reported.code).toBe(0);
    expect(reported.stdout).toContain("2 of 2 reports recorded");
    expect(await runs(p, "tests/smoke/test_a.py::test_one")).toEqual([expect.objectContaining({ environment: "staging" })]);
    expect(await runs(p, "tests/smoke/test_b.py::test_two")).toHaveLength(1);

    const closed = await runAction({ ...common, command: "gate", environment: "staging" }, cwd);
    expect(closed.code).toBe(1);
    expect(closed.stdout).toContain(`Gate for ${p.version} → staging: closed`);
    expect(closed.outputs).toBe("open=false\n");

    const timedOut = await runAction({ ...common, command: "wait", environment: "staging", timeout: "1s", args: "--interval 0.3s" }, cwd);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stdout).toContain("still closed after 1 s");

    await openStagingGate(p);
    const version = JSON.parse(await readFile(path.join(process.cwd(), "packages/cli/package.json"), "utf8")).version as string;
    const opened = await runAction({ ...common, command: "wait", environment: "staging", timeout: "30s", "cli-version": version }, cwd);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toBe(`Gate for ${p.version} → staging: open\n`);
    expect(opened.outputs).toBe("open=true\n");
  });

  it("refuses an unknown command and a report without files, exit 2; a bad token is the server's 401", async () => {
    const p = await makeProject();
    const cwd = await workspace();
    const common = { url: baseUrl(), token: p.token, project: p.slug, release: p.version };
    const unknown = await runAction({ ...common, command: "deploy" }, cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toContain('::error::command must be report, gate or wait, got "deploy"');
    const noFiles = await runAction({ ...common, command: "report" }, cwd);
    expect(noFiles.code).toBe(2);
    expect(noFiles.stdout).toContain("::error::the report command needs files");
    // An input is data, never shell: a token with shell syntax reaches the server as it is.
    const injected = await runAction({ ...common, token: "$(touch pwned); `touch pwned`", command: "gate", environment: "staging" }, cwd);
    expect(injected.code).toBe(2);
    expect(injected.stderr).toContain("HTTP 401");
    await expect(readFile(path.join(cwd, "pwned"))).rejects.toThrow();
  });
});

type GitLab = Record<string, { variables?: Record<string, string>; before_script?: string[]; script?: string[]; extends?: string }> & { variables: Record<string, string> };

describe("the GitLab CI include (docs/gitlab-ci.yml)", () => {
  it("shipcheck-report posts the reports; shipcheck-gate waits until the gate opens", async () => {
    const p = await makeProject();
    const cwd = await workspace();
    const ci = parseYaml(await readFile(path.join(process.cwd(), "docs/gitlab-ci.yml"), "utf8")) as GitLab;
    // What GitLab sets, then the include's variables with $VARS expanded as GitLab does.
    const predefined = { CI_COMMIT_TAG: p.version, CI_COMMIT_SHA: p.commit, GITLAB_CI: "true", CI_JOB_ID: "4242", CI_JOB_URL: "https://gitlab.example/jobs/4242", CI_PROJECT_DIR: cwd };
    const expand = (vars: Record<string, string>, known: Record<string, string>) =>
      Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v).replace(/\$(\w+)/g, (_, name: string) => known[name] ?? "")]));
    const ours = { SHIPCHECK_URL: baseUrl(), SHIPCHECK_TOKEN: p.token, SHIPCHECK_PROJECT: p.slug };
    const job = async (name: string, overrides: Record<string, string>) => {
      const definition = ci[name]!;
      const base = ci[definition.extends!]!;
      const env = { ...predefined, ...expand(ci.variables, predefined), ...ours, ...overrides };
      return bash([...(base.before_script ?? []), ...(definition.script ?? [])].join("\n"), env, cwd);
    };

    const reported = await job("shipcheck-report", { SHIPCHECK_REPORTS: "reports/*.xml" });
    expect(reported.stderr).toBe("");
    expect(reported.code).toBe(0);
    expect(reported.stdout).toContain("2 of 2 reports recorded");
    expect(await runs(p, "tests/smoke/test_a.py::test_one")).toEqual([expect.objectContaining({ environment: "staging" })]);

    const waiting = job("shipcheck-gate", { SHIPCHECK_WAIT_TIMEOUT: "40s" });
    await new Promise((r) => setTimeout(r, 1000));
    await openStagingGate(p);
    const gate = await waiting;
    expect(gate.code).toBe(0);
    expect(gate.stdout).toBe(`Gate for ${p.version} → staging: open\n`);

    const badServer = await job("shipcheck-report", { SHIPCHECK_URL: `${baseUrl()}/nowhere` });
    expect(badServer.code).toBe(2);
    expect(badServer.stderr).toContain("cannot download the Shipcheck CLI");
  });
});

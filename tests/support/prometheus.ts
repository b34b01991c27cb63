// Debian's Prometheus scraping Debian's Pushgateway every second, on free ports, for tests of
// items that read their value from Prometheus: push a value, wait until Prometheus sees it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

export type PrometheusStack = {
  /** Prometheus's base URL: what a project's data source is set to. */
  url: string;
  /** Replaces what one Pushgateway group (job and instance) holds with these sample lines. */
  push: (job: string, instance: string, lines: string[]) => Promise<void>;
  /** Waits until Prometheus itself answers the query so (it scrapes every second). */
  sees: (promql: string, accept: (values: number[]) => boolean) => Promise<void>;
  stop: () => Promise<void>;
};

async function ready(url: string, name: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become ready: is Debian's ${name} installed (apt-get install ${name})?`);
}

export async function startPrometheusStack(): Promise<PrometheusStack> {
  const dir = await mkdtemp(path.join(tmpdir(), "shipcheck-promql-"));
  const children: ChildProcess[] = [];
  const stop = async () => {
    for (const child of children) {
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pushPort = await freePort();
    const pushUrl = `http://127.0.0.1:${pushPort}`;
    children.push(spawn("prometheus-pushgateway", [`--web.listen-address=127.0.0.1:${pushPort}`], { stdio: "ignore" }));
    await ready(`${pushUrl}/-/ready`, "prometheus-pushgateway");
    await writeFile(
      path.join(dir, "prometheus.yml"),
      ["global: { scrape_interval: 1s, scrape_timeout: 1s }", "scrape_configs:", "  - job_name: pushgateway", "    honor_labels: true", `    static_configs: [{ targets: ["127.0.0.1:${pushPort}"] }]`, ""].join("\n"),
    );
    const promPort = await freePort();
    const url = `http://127.0.0.1:${promPort}`;
    children.push(spawn("prometheus", [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: "ignore" }));
    await ready(`${url}/-/ready`, "prometheus");

    const push = async (job: string, instance: string, lines: string[]) => {
      const response = await fetch(`${pushUrl}/metrics/job/${job}/instance/${instance}`, { method: "PUT", body: `${lines.join("\n")}\n` });
      if (response.status >= 300) throw new Error(`Pushgateway refused the push: ${response.status} ${await response.text()}`);
    };
    const sees = async (promql: string, accept: (values: number[]) => boolean) => {
      let last = "";
      for (let i = 0; i < 60; i++) {
        const body = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as { data: { result: { value: [number, string] }[] } };
        const values = body.data.result.map((s) => Number(s.value[1]));
        if (accept(values)) return;
        last = JSON.stringify(values);
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`Prometheus never answered ${promql} as expected; last: ${last}`);
    };
    return { url, push, sees, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

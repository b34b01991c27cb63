// Several app instances behind a real load balancer (Debian's haproxy), for the tests and the
// benchmark that prove live updates cross instances. Its configuration is written to a temporary
// directory; the process runs in the foreground and is stopped with the caller.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type Backend = { name: string; port: number };

export type RunningBalancer = {
  url: string;
  /** The cookie that pins a client to one backend: `${cookie}=${backend.name}`. */
  cookie: string;
  stop(): Promise<void>;
};

export const BALANCER_COOKIE = "SHIPCHECK_INSTANCE";

/**
 * Round robin over the backends, sticky by cookie (a client that carries `SHIPCHECK_INSTANCE=<name>`
 * stays on that backend while it is up), health-checked so a dead backend's clients are sent to
 * another. Every answer says which backend served it (`X-Served-By`). Timeouts fit server-sent
 * events: the app sends a heartbeat every 15 s, far inside the 60 s idle limits.
 */
export function haproxyConfig(port: number, backends: Backend[]): string {
  return `global
  maxconn 4096

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  timeout http-keep-alive 5s
  # A health check answers within this even while the app is busy (say, a first page render).
  timeout check 3s
  option forwardfor
  # Event streams are many small writes: send each at once rather than merged into fuller
  # packets (which Nagle and delayed ACKs turn into waits of up to 200 ms).
  option http-no-delay
  option redispatch
  retries 2

frontend web
  bind 127.0.0.1:${port}
  default_backend app

backend app
  balance roundrobin
  cookie ${BALANCER_COOKIE} insert indirect nocache httponly
  option httpchk GET /api/health
  http-response set-header X-Served-By %s
${backends.map((b) => `  server ${b.name} 127.0.0.1:${b.port} check inter 1s fall 2 rise 1 cookie ${b.name}`).join("\n")}
`;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

export async function startHaproxy(options: { port: number; backends: Backend[]; say?: (msg: string) => void }): Promise<RunningBalancer> {
  if (spawnSync("haproxy", ["-v"], { stdio: "ignore" }).error) throw new Error("haproxy is not installed: `apt-get install -y haproxy` (Debian's package)");
  if (await listening(options.port)) throw new Error(`port ${options.port} is already in use: stop what runs there or choose another port`);
  const dir = await mkdtemp(path.join(os.tmpdir(), "shipcheck-haproxy-"));
  const config = path.join(dir, "haproxy.cfg");
  await writeFile(config, haproxyConfig(options.port, options.backends));
  const check = spawnSync("haproxy", ["-c", "-q", "-f", config], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`haproxy refused its configuration: ${check.stderr || check.stdout}`);
  // -db: stay in the foreground, so stopping this child stops the balancer.
  const child: ChildProcess = spawn("haproxy", ["-db", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => (errors = (errors + chunk).slice(-4_000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const force = setTimeout(() => child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(force);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await listening(options.port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not start on port ${options.port}: ${errors}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = `http://localhost:${options.port}`;
  // Wait until the health checks found every backend up, so the first requests spread over all.
  for (const backend of options.backends) {
    while (!(await backendAnswers(url, backend.name))) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`haproxy does not reach backend ${backend.name}: ${errors}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  options.say?.(`haproxy on ${url} in front of ${options.backends.map((b) => `${b.name} (:${b.port})`).join(", ")}`);
  return { url, cookie: BALANCER_COOKIE, stop };
}

async function backendAnswers(url: string, name: string): Promise<boolean> {
  const response = await fetch(`${url}/api/health`, { headers: { cookie: `${BALANCER_COOKIE}=${name}` } }).catch(() => null);
  return response?.ok === true && response.headers.get("x-served-by") === name;
}

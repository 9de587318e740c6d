import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { egressPolicy } from "../../src/builder/egress/egress-policy.js";
import { withEgress } from "../../src/builder/egress/egress-runner.js";
import type { OutputStream } from "../../src/builder/output.js";
import type { BuildStep, StepNetwork, StepRunner } from "../../src/builder/step.js";

// What BUILD_NETWORK means to a build, the same for every runner (ADR 0015):
// "public" reaches the npm registry through the egress proxy and nothing of
// the host's or its network's own (a server of the host's, the cloud
// metadata address); "bridge" is the unfiltered contrast that shows the
// probes can succeed. Each runner's suite calls this with its own runner.

const MiB = 1024 * 1024;

export interface NetworkCaseOptions {
  /** The runner as the worker makes it, before the egress decorator. */
  runner: () => StepRunner;
  workDir: () => string;
  /** The address at which a build on "bridge" reaches a server listening on all of the host's addresses. */
  hostAddress: () => Promise<string>;
  /** Variables every step needs in this runner (the CA bundle for a bubblewrap sandbox). */
  env?: Record<string, string>;
}

export function buildNetworkCases(options: NetworkCaseOptions): void {
  let server: http.Server;
  let port: number;
  let host: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end("host-secret"));
    await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
    port = (server.address() as AddressInfo).port;
    host = await options.hostAddress();
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  async function run(command: string, network: StepNetwork) {
    const lines: Record<OutputStream, string[]> = { stdout: [], stderr: [] };
    const notices: string[] = [];
    const step: BuildStep = {
      command,
      workDir: options.workDir(),
      env: { ...options.env },
      memoryBytes: 1024 * MiB,
      nanoCpus: 1e9,
      pidsLimit: 256,
      network,
      timeoutMs: 120_000,
      onLine: (stream, line) => lines[stream].push(line),
      onNotice: (text) => notices.push(text),
    };
    const result = await withEgress(options.runner(), egressPolicy()).run(step);
    return { result, ...lines, notices };
  }

  /** Prints "<name>=<outcome>" for a direct TCP connection and for an http GET through whatever proxy the step has. */
  const probe = (name: string, url: string) => {
    const target = new URL(url);
    return [
      `node -e '`,
      `const net = require("net"), http = require("http");`,
      `const proxy = process.env.HTTP_PROXY ? new URL(process.env.HTTP_PROXY) : null;`,
      `net.connect(${target.port || 80}, "${target.hostname}").on("connect", function () { console.log("${name}-direct=connected"); this.destroy(); }).on("error", (e) => console.log("${name}-direct=" + e.code));`,
      `const req = proxy ? http.get({ host: proxy.hostname, port: proxy.port, path: "${url}" }) : http.get("${url}");`,
      `req.on("response", (res) => { let body = ""; res.on("data", (c) => body += c).on("end", () => console.log("${name}-get=" + res.statusCode + " " + body.trim())); }).on("error", (e) => console.log("${name}-get=" + e.code));`,
      `req.setTimeout(5000, () => req.destroy(new Error("timeout")));`,
      `'`,
    ].join(" ");
  };

  it("public: reaches the npm registry through the proxy", async () => {
    const { result, stdout, stderr } = await run("npm view is-number@7.0.0 version", "public");
    expect(result.exitCode, stderr.join("\n")).toBe(0);
    expect(stdout).toContain("7.0.0");
  }, 120_000);

  it("public: reaches neither a server of the host's nor the metadata address, directly or through the proxy, and the log says so", async () => {
    const hostUrl = `http://${host}:${port}/`;
    const { result, stdout, notices } = await run(`${probe("host", hostUrl)}; ${probe("metadata", "http://169.254.169.254/latest/meta-data/")}; sleep 1`, "public");
    expect(result.exitCode).toBe(0);
    const outcome = (name: string) => stdout.find((line) => line.startsWith(`${name}=`));
    for (const name of ["host-direct", "metadata-direct"]) expect(outcome(name)).toMatch(/=(ENETUNREACH|ECONNREFUSED|EHOSTUNREACH)$/);
    expect(outcome("host-get")).toMatch(/^host-get=403 Autostack build network: .* private, loopback or link-local address$/);
    expect(outcome("metadata-get")).toBe("metadata-get=403 Autostack build network: 169.254.169.254 is a private, loopback or link-local address");
    expect(stdout.join("\n")).not.toContain("host-secret");
    expect(notices).toContain(
      "Blocked a connection to 169.254.169.254:80: 169.254.169.254 is a private, loopback or link-local address. Builds reach public addresses only (BUILD_NETWORK=public)",
    );
    expect(notices.some((text) => text.startsWith(`Blocked a connection to ${host}:${port}`))).toBe(true);
  }, 60_000);

  it("bridge (unfiltered): the same probe reaches the host's server, which is what public prevents", async () => {
    const { stdout } = await run(`${probe("host", `http://${host}:${port}/`)}; sleep 1`, "bridge");
    expect(stdout).toContain("host-direct=connected");
    expect(stdout).toContain("host-get=200 host-secret");
  }, 60_000);
}

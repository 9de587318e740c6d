import net from "node:net";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createDockerClient, dockerConnectionOptions, pingDocker } from "../../src/builder/runners/docker/docker-client.js";
import { containerSpec } from "../../src/builder/runners/docker/container-spec.js";
import { dockerUnavailable } from "./helpers.js";

describe("dockerConnectionOptions", () => {
  it("parses unix sockets, tcp hosts and the default", () => {
    expect(dockerConnectionOptions("unix:///run/x/docker.sock").socketPath).toBe("/run/x/docker.sock");
    expect(dockerConnectionOptions(undefined).socketPath).toBe("/var/run/docker.sock");
    expect(dockerConnectionOptions("tcp://10.0.0.5:2375")).toMatchObject({ host: "10.0.0.5", port: 2375, protocol: "http", socketPath: undefined });
    expect(dockerConnectionOptions("tcp://docker")).toMatchObject({ host: "docker", port: 2375 });
    expect(dockerConnectionOptions("tcp://[::1]:2400")).toMatchObject({ host: "::1", port: 2400 });
  });

  it("rejects what it cannot serve", () => {
    expect(() => dockerConnectionOptions("ssh://me@host")).toThrow(/unsupported DOCKER_HOST/);
    expect(() => dockerConnectionOptions("unix://relative.sock")).toThrow(/absolute/);
  });
});

describe("containerSpec", () => {
  const base = { image: "i", command: "c", workDir: "/w", env: { A: "1" }, memoryBytes: 64 << 20, nanoCpus: 1e9, pidsLimit: 64 };

  it("locks the container down", () => {
    const spec = containerSpec(base);
    expect(spec).toMatchObject({ User: "1000:1000", Env: ["A=1"], Cmd: ["sh", "-c", "c"], Labels: { "autostack.managed": "true" } });
    expect(spec.HostConfig).toMatchObject({
      Privileged: false, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges"], NetworkMode: "none",
      Memory: 64 << 20, MemorySwap: 64 << 20, PidsLimit: 64, NanoCpus: 1e9, AutoRemove: false,
      Mounts: [{ Type: "bind", Source: "/w", Target: "/workspace", ReadOnly: false }],
    });
    expect(JSON.stringify(spec)).not.toContain("docker.sock");
  });

  it("validates limits, paths and variable names", () => {
    expect(() => containerSpec({ ...base, memoryBytes: 0 })).toThrow(/memoryBytes/);
    expect(() => containerSpec({ ...base, pidsLimit: 1.5 })).toThrow(/pidsLimit/);
    expect(() => containerSpec({ ...base, workDir: "relative" })).toThrow(/absolute/);
    expect(() => containerSpec({ ...base, env: { "A=B": "x" } })).toThrow(/invalid environment/);
  });
});

describe("pingDocker", () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it("is false for a socket that does not exist, at once", async () => {
    const started = performance.now();
    expect(await pingDocker(createDockerClient("unix:///tmp/autostack-no-such-docker.sock"))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it("is false within ~2 s for an endpoint that accepts but never answers", async () => {
    // A local listener that swallows the request: the only traffic is on loopback.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = performance.now();
      expect(await pingDocker(createDockerClient(`tcp://127.0.0.1:${port}`), 2000)).toBe(false);
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it.skipIf(dockerUnavailable)("is true for the engine, whatever DOCKER_HOST the process has", async () => {
    // docker-modem would read this variable; the configured host must win.
    process.env.DOCKER_HOST = "tcp://127.0.0.1:9";
    expect(await pingDocker(createDockerClient(inject("dockerHost")))).toBe(true);
  });
});

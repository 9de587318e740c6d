import { describe, inject } from "vitest";
import { dockerRunner } from "../../src/builder/runners/create-runner.js";
import { workerEnv } from "../../src/testing/worker-harness.js";
import { buildNetworkCases } from "../network/build-network-cases.js";
import { builderImage, docker, dockerUnavailable, makeWorkDir } from "./helpers.js";

// BUILD_NETWORK in Docker containers (ADR 0015): cases in ../network.

describe.skipIf(dockerUnavailable)("build network (Docker)", () => {
  let workDir = "";
  const env = workerEnv("postgresql://unused@127.0.0.1/unused", { DOCKER_HOST: inject("dockerHost"), BUILD_IMAGE: builderImage });
  buildNetworkCases({
    runner: () => dockerRunner(env, () => docker),
    workDir: () => workDir,
    // Docker's default bridge reaches the host at its gateway address.
    hostAddress: async () => {
      const bridge = (await docker.getNetwork("bridge").inspect()) as { IPAM?: { Config?: { Gateway?: string; Subnet?: string }[] } };
      const config = bridge.IPAM?.Config?.find((entry) => entry.Gateway ?? entry.Subnet?.includes("."));
      // Without an explicit gateway the engine gives the host the subnet's first address.
      const gateway = config?.Gateway ?? config?.Subnet?.replace(/\.0\/\d+$/, ".1");
      if (!gateway) throw new Error("the engine's bridge network has no IPv4 subnet");
      if (!workDir) workDir = (await makeWorkDir()).dir;
      return gateway;
    },
  });
});

import { describe } from "vitest";
import { bubblewrapRunner } from "../../src/builder/runners/create-runner.js";
import { buildNetworkCases } from "../network/build-network-cases.js";
import { bwrapUnavailable, makeTmp } from "./helpers.js";

// BUILD_NETWORK in bubblewrap sandboxes (ADR 0011, 0015): cases in ../network.
// "bridge" shares the host's network namespace, so the host is 127.0.0.1 —
// the address of the platform's own database and web server, which "public"
// (the sandbox's own namespace plus the proxy) must not reach.

describe.skipIf(bwrapUnavailable)("build network (bubblewrap)", () => {
  let workDir = "";
  buildNetworkCases({
    runner: () => bubblewrapRunner(),
    workDir: () => workDir,
    hostAddress: async () => {
      if (!workDir) workDir = (await makeTmp("autostack-network-")).dir;
      return "127.0.0.1";
    },
  });
});

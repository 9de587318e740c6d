import type { StepRunner } from "../builder/step.js";

/** A runner that is ready but lets nothing run: for builds whose fixture has no install or build step (only the clone is under test). */
export const noStepRunner: StepRunner = {
  kind: "docker",
  check: async () => ({ ready: true, notes: [], toolchains: { node: [], tools: {} } }),
  run: () => Promise.reject(new Error("no step may run")),
};

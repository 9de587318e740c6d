import { describe, expect, it } from "vitest";
import { createDeployment, type CreateDeploymentInput } from "@autostack/api/services";
import { fixtureRepo } from "../fixtures.js";
import { readText, useBuildHarness } from "./build-harness.js";
import { dockerUnavailable } from "./helpers.js";

// Node.js 18, 20 and 22 per project: the setting wins, then package.json's
// engines.node (the highest major it allows), then 20. Offline builds.

const PRINT_VERSION = `const fs = require("fs"); fs.mkdirSync("dist", { recursive: true }); fs.writeFileSync("dist/index.html", process.version);`;

describe.skipIf(dockerUnavailable !== "")("Node.js version of a build", () => {
  const harness = useBuildHarness("node-versions");

  async function builtWith(name: string, packageJson: object, input: Partial<CreateDeploymentInput> = {}) {
    const { database, env, storage, tmp, userId } = harness;
    const repository = await fixtureRepo(tmp, name, { "package.json": JSON.stringify(packageJson), "build.js": PRINT_VERSION });
    const created = await createDeployment({ db: database.db, env }, userId, {
      repository, branch: "main", buildCommand: "node build.js", installCommand: "", outputDir: "dist", rootDirectory: null, envVars: [], ...input,
    });
    const { outcome, logs } = await harness.build(created.id);
    expect(outcome, logs.join("\n")).toBe("success");
    const file = await storage.readFile(created.id, "index.html", []);
    return { version: await readText(file!.body), logs };
  }

  it("defaults to Node.js 20", async () => {
    const { version, logs } = await builtWith("default", { name: "default" });
    expect(version).toMatch(/^v20\./);
    expect(logs.some((line) => /^info: Node\.js 20\.\d+\.\d+ by default/.test(line)), logs.join("\n")).toBe(true);
  });

  it("follows engines.node to the highest major it allows", async () => {
    expect((await builtWith("engines-22", { engines: { node: ">=22" } })).version).toMatch(/^v22\./);
    expect((await builtWith("engines-18", { engines: { node: "18.x" } })).version).toMatch(/^v18\./);
    expect((await builtWith("engines-range", { engines: { node: "^18.17 || ^20.3" } })).version).toMatch(/^v20\./);
  });

  it("lets the project setting win over engines.node", async () => {
    const { version, logs } = await builtWith("setting-18", { engines: { node: ">=22" } }, { nodeVersion: "18" });
    expect(version).toMatch(/^v18\./);
    expect(logs.some((line) => /^info: Node\.js 18\.\d+\.\d+ from the project settings/.test(line))).toBe(true);
  });
});

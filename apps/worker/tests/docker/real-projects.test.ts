import { describe, expect, it } from "vitest";
import { createDeployment, redeployDeployment } from "@autostack/api/services";
import { referencedAssets, STARTER_TEMPLATES, starterRepository, type StarterTemplate } from "../../src/corpus/starter-templates.js";
import { readText, useBuildHarness } from "./build-harness.js";
import { dockerUnavailable } from "./helpers.js";
import { deploymentInput } from "../../src/testing/worker-harness.js";

// The corpus: the official starter templates (create-vite's React, Vue and
// Svelte TypeScript templates, create-next-app's empty app template with a static
// export), deployed the way a new user would, with installs from the npm
// registry through the egress proxy (BUILD_NETWORK=public, the default, ADR
// 0015). Each must succeed, and its site must have its index.html and every
// asset that page references.

const BUILD_MS = 420_000;

describe.skipIf(dockerUnavailable !== "")("real projects from official starter templates", () => {
  const harness = useBuildHarness("real-projects", {
    BUILD_NETWORK: "public",
    BUILD_MEMORY_MB: "3072",
    BUILD_CPUS: "2",
    BUILD_TIMEOUT: String(BUILD_MS - 30_000),
  });

  /** index.html and everything it references are in the artifact the site is served from. */
  async function expectServedSite(id: string) {
    const { storage } = harness;
    const index = await storage.readFile(id, "index.html", []);
    expect(index, "index.html").not.toBeNull();
    const html = await readText(index!.body);
    const assets = referencedAssets(html);
    expect(assets.length, html.slice(0, 500)).toBeGreaterThan(0);
    for (const asset of assets) {
      const file = await storage.readFile(id, decodeURIComponent(asset), []);
      expect(file, `${asset} referenced by index.html`).not.toBeNull();
      file?.body.destroy();
    }
    return { html, assets };
  }

  const deployed = new Map<string, { id: string; repository: string }>();
  async function deploy(template: StarterTemplate) {
    const { database, env, tmp, userId } = harness;
    const repository = await starterRepository(tmp, template);
    const created = await createDeployment({ db: database.db, env }, userId, deploymentInput(repository, { buildCommand: template.buildCommand, outputDir: template.outputDir }));
    deployed.set(template.name, { id: created.id, repository });
    return { id: created.id, ...(await harness.build(created.id)) };
  }

  for (const template of STARTER_TEMPLATES) {
    it(
      `${template.name} builds with no settings beyond the template's own and serves every asset`,
      async () => {
        const { id, outcome, logs } = await deploy(template);
        expect(outcome, logs.slice(-40).join("\n")).toBe("success");
        expect(logs).toContain("info: Installing with npm install (package.json without a lockfile)");
        expect(logs.some((line) => /^info: Node\.js 2\d\.\d+\.\d+ /.test(line)), logs.join("\n")).toBe(true);
        expect(logs.some((line) => line.startsWith("info: Build cache saved: node_modules"))).toBe(true);
        const { html } = await expectServedSite(id);
        expect(html).toMatch(/<!doctype html>/i);
      },
      BUILD_MS,
    );
  }

  it(
    "a redeploy of an unchanged project installs from its build cache",
    async () => {
      const first = deployed.get("vite-react-ts");
      expect(first, "the react-ts deployment above ran").toBeDefined();
      const again = await redeployDeployment({ db: harness.database.db, env: harness.env }, harness.userId, first!.id);
      const { outcome, logs } = await harness.build(again.id);
      expect(outcome, logs.slice(-40).join("\n")).toBe("success");
      expect(logs).toContain("info: Build cache: restored node_modules");
      // npm finds every package already in place: nothing is fetched or added.
      expect(logs.some((line) => /\bup to date\b/.test(line)), logs.join("\n")).toBe(true);
      expect(logs.some((line) => /\badded \d+ packages?\b/.test(line))).toBe(false);
      await expectServedSite(again.id);
    },
    BUILD_MS,
  );
});

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { builderImage, dockerUnavailable } from "./helpers.js";

const run = promisify(execFile);
const script = (name: string) => fileURLToPath(new URL(`../../../../scripts/docker/${name}`, import.meta.url));

describe.skipIf(dockerUnavailable)("docker scripts", () => {
  it("ensure-docker finds the running engine again and prints the same DOCKER_HOST", async () => {
    const started = performance.now();
    const env = { ...process.env };
    delete env.DOCKER_HOST;
    const { stdout } = await run(process.execPath, [script("ensure-docker.mjs")], { env });
    expect(stdout.trim().split("\n").at(-1)).toBe(`DOCKER_HOST=${inject("dockerHost")}`);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("build-builder-image skips an image that is up to date", async () => {
    const { stderr } = await run(process.execPath, [script("build-builder-image.mjs")], {
      env: { ...process.env, DOCKER_HOST: inject("dockerHost"), BUILD_IMAGE: builderImage },
    });
    expect(stderr).toMatch(/is up to date/);
  });
});

import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runInContainer } from "../../src/builder/runners/docker/docker-runner.js";
import { builderImage, docker, dockerUnavailable, makeWorkDir, stepOptions } from "./helpers.js";

// What the worker relies on in the image that scripts/docker/build-builder-image.mjs
// makes: the labels, a Node.js toolchain per major at /opt/node/<major>, the
// package managers, a real glibc and a compiler for native addons.

const run = promisify(execFile);
const script = fileURLToPath(new URL("../../../../scripts/docker/build-builder-image.mjs", import.meta.url));
const MiB = 1024 * 1024;
const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const pathFor = (major: string) => `/opt/node/${major}/bin:/opt/autostack/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

describe.skipIf(dockerUnavailable)(`builder image (${builderImage})`, () => {
  let workDir: string;
  let cleanup: () => Promise<void>;
  let labels: Record<string, string>;

  /** stdout lines of `command` in a fresh container (offline, as uid 1000); fails on a non-zero exit. */
  async function inImage(command: string, overrides: Parameters<typeof stepOptions>[1] = {}): Promise<string[]> {
    const options = stepOptions(workDir, { command, ...overrides });
    const result = await runInContainer(docker, options);
    expect(result.exitCode, `${command}\n${options.lines.stderr.join("\n")}`).toBe(0);
    return options.lines.stdout;
  }

  beforeAll(async () => {
    ({ dir: workDir, cleanup } = await makeWorkDir());
    labels = (await docker.getImage(builderImage).inspect()).Config.Labels ?? {};
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it("labels the Node majors, the exact versions and the tools", () => {
    expect(labels["autostack.node.majors"]).toBe("18,20,22");
    expect(labels["autostack.node.default"]).toBe("20");
    for (const major of ["18", "20", "22"]) expect(labels[`autostack.node.${major}`]).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+$`));
    expect(labels["autostack.npm"]).toMatch(/^10\.\d+\.\d+$/);
    expect(labels["autostack.tools"]).toMatch(/^pnpm@10\.\d+\.\d+,yarn@1\.22\.22,bun@1\.\d+\.\d+$/);
    expect(labels["autostack.builder.recipe"]).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each(["18", "20", "22"])("runs node and npm %s from /opt/node/<major>/bin when PATH selects it", async (major) => {
    const lines = await inImage("command -v node; node --version; npm --version; npx --version", { env: { PATH: pathFor(major) } });
    expect(lines).toEqual([`/opt/node/${major}/bin/node`, `v${labels[`autostack.node.${major}`]}`, labels["autostack.npm"], labels["autostack.npm"]]);
  });

  it("defaults to Node 20 and has npm, pnpm, yarn and bun on PATH", async () => {
    const lines = await inImage("node --version; npm --version; pnpm --version; yarn --version; bun --version", { memoryBytes: 512 * MiB });
    const tools = Object.fromEntries(labels["autostack.tools"]!.split(",").map((tool) => tool.split("@")));
    expect(lines).toEqual([`v${labels["autostack.node.20"]}`, labels["autostack.npm"], tools.pnpm, tools.yarn, tools.bun]);
  });

  it("runs pnpm and yarn with the Node major PATH selects", async () => {
    // pnpm exec wants a project around it.
    await writeFile(path.join(workDir, "package.json"), JSON.stringify({ name: "probe", version: "1.0.0", private: true }));
    const lines = await inImage("pnpm exec node --version; yarn --silent node --version", { env: { PATH: pathFor("22") } });
    expect(lines).toEqual([`v${labels["autostack.node.22"]}`, `v${labels["autostack.node.22"]}`]);
  });

  it("runs as uid 1000 in /workspace with glibc's full set and the host's CA bundle", async () => {
    const lines = await inImage(`id -u; id -g; pwd; echo "$HOME"; test -e /lib/x86_64-linux-gnu/librt.so.1 && echo librt; sha256sum ${CA_BUNDLE} | cut -d' ' -f1; echo "$NODE_EXTRA_CA_CERTS"`);
    const hostBundle = existsSync(CA_BUNDLE) ? createHash("sha256").update(readFileSync(CA_BUNDLE)).digest("hex") : expect.any(String);
    expect(lines).toEqual(["1000", "1000", "/workspace", "/home/builder", "librt", hostBundle, CA_BUNDLE]);
  });

  it("compiles and loads a native addon with node-gyp against the image's headers, offline", async () => {
    await writeFile(path.join(workDir, "binding.gyp"), JSON.stringify({ targets: [{ target_name: "hello", sources: ["hello.cc"] }] }));
    await writeFile(path.join(workDir, "hello.cc"), [
      "#include <node_api.h>",
      "static napi_value Hello(napi_env env, napi_callback_info) {",
      "  napi_value result;",
      '  napi_create_string_utf8(env, "hello from C++", NAPI_AUTO_LENGTH, &result);',
      "  return result;",
      "}",
      "NAPI_MODULE_INIT() {",
      "  napi_value fn;",
      '  napi_create_function(env, "hello", NAPI_AUTO_LENGTH, Hello, nullptr, &fn);',
      '  napi_set_named_property(env, exports, "hello", fn);',
      "  return exports;",
      "}",
      "",
    ].join("\n"));
    const gyp = "/opt/node/20/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js";
    const lines = await inImage(`node ${gyp} rebuild >&2 && node -p "require('./build/Release/hello.node').hello()"`, {
      // The worker sets this per build: the headers of the selected major, no download.
      env: { npm_config_nodedir: "/opt/node/20" },
      network: "none",
      memoryBytes: 1024 * MiB,
      timeoutMs: 120_000,
    });
    expect(lines).toEqual(["hello from C++"]);
  }, 150_000);

  it("reports the image up to date quickly, without asking the registry", async () => {
    const started = performance.now();
    const { stderr } = await run(process.execPath, [script], {
      // A registry that refuses connections: the check must not need one.
      env: { ...process.env, DOCKER_HOST: inject("dockerHost"), BUILD_IMAGE: builderImage, npm_config_registry: "http://127.0.0.1:9/" },
      timeout: 10_000,
    });
    const elapsed = performance.now() - started;
    expect(stderr).toMatch(new RegExp(`\\[builder-image\\] ${builderImage} is up to date \\(recipe ${labels["autostack.builder.recipe"]}: node ${labels["autostack.node.18"]}, `));
    const checked = Number(/checked in ([\d.]+) s/.exec(stderr)?.[1]);
    expect(checked).toBeLessThan(1);
    console.log(`up-to-date check: ${checked} s in the script, ${Math.round(elapsed)} ms with node's start`);
  });
});

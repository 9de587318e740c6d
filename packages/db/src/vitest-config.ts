import { fileURLToPath } from "node:url";
import { defineConfig, type ViteUserConfig } from "vitest/config";

// The one vitest configuration of the workspace's packages. Workspace
// packages are consumed from their TypeScript sources (the "source" export
// condition) and must be transformed by Vite, not loaded by Node; global
// setups (loaded by Node) get the built `dist` of their dependencies.

export interface TestConfigOptions {
  include: string[];
  /** Paths relative to `root` (default: the package directory). */
  globalSetup: string[];
  root?: string;
  testTimeout?: number;
  hookTimeout?: number;
}

// No "module" condition: it selects bundler-only builds (e.g. @aws-sdk's
// dist-es, with extensionless imports) that Node cannot load.
const conditions = ["source", "node", "default"];

// Next to this file: test-setup.ts from the sources, test-setup.js from dist.
const setupFile = fileURLToPath(new URL(`./test-setup${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url));

export function workspaceTestConfig(options: TestConfigOptions): ViteUserConfig {
  return defineConfig({
    ...(options.root ? { root: options.root } : {}),
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ["source"] }, noExternal: [/^@autostack\//] },
    test: {
      include: options.include,
      globalSetup: options.globalSetup,
      setupFiles: [setupFile],
      testTimeout: options.testTimeout ?? 20_000,
      hookTimeout: options.hookTimeout ?? 60_000,
      server: { deps: { inline: [/^@autostack\//] } },
    },
  });
}

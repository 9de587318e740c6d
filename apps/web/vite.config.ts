import { vitePlugin as remix } from "@remix-run/dev";
import { defaultClientConditions, defaultServerConditions, defineConfig, type Plugin } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

// The Remix UI. Workspace packages resolve to their TypeScript sources (the
// "source" export condition, ADR 0001) so the UI never waits for a build.
//
// @autostack/api and @autostack/db stay external to the server build: the
// Node server imports the very same module instance (one router, one Prisma
// client, and `instanceof AppError` holds for errors thrown by the caller).
// In production Node resolves them to packages/*/dist; in development the
// server runs under `tsx --conditions=source`, and externalConditions makes
// Vite hand the same source files to it.

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

const SERVER_PACKAGES = ["@autostack/api", "@autostack/api/schemas", "@autostack/db"];

/**
 * ssr.external alone is not enough for the build: with the "source" condition
 * the packages resolve to .ts files, which Vite refuses to externalise and
 * bundles after all. Leave the bare import for Node to resolve (to dist/).
 */
function externalServerPackages(): Plugin {
  return {
    name: "autostack:external-server-packages",
    apply: "build",
    enforce: "pre",
    resolveId(id, _importer, options) {
      if (options?.ssr && SERVER_PACKAGES.includes(id)) return { id, external: true };
      return null;
    },
  };
}

export default defineConfig({
  resolve: {
    conditions: ["source", ...defaultClientConditions],
    dedupe: ["react", "react-dom"],
  },
  ssr: {
    external: SERVER_PACKAGES,
    resolve: {
      conditions: ["source", ...defaultServerConditions],
      externalConditions: ["source"],
    },
  },
  optimizeDeps: {
    // Discovered late, these would make Vite re-optimise after the first page
    // load and hand React out twice ("Invalid hook call").
    include: ["@trpc/client", "superjson", "lucide-react", "zod"],
  },
  plugins: [
    externalServerPackages(),
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
    tsconfigPaths({ projects: ["./tsconfig.json"] }),
  ],
});

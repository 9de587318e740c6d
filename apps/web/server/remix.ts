import { existsSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler, type GetLoadContextFunction } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type RequestHandler } from "express";
import { createCaller, type Context, type Deps } from "@autostack/api";
import { contextFor, requestInfo, responseCookieJar } from "./api-context.js";

// The Remix UI inside our server. Production serves the `remix vite:build`
// output; development runs Vite in middleware mode on the same HTTP server,
// so tRPC, REST and HMR share one port.

/**
 * What loaders and actions get as `context`. The contract is declared in
 * apps/web/load-context.ts (an augmentation of Remix's AppLoadContext); that
 * file sits outside this build's rootDir, so its shape is repeated here, and
 * `GetLoadContextFunction` checks this object against the augmented type
 * wherever load-context.ts is part of the program (apps/web's typecheck).
 */
// A type alias, not an interface: Remix's AppLoadContext has an index signature.
export type WebLoadContext = {
  caller: ReturnType<typeof createCaller>;
  requestId: string;
  config: {
    githubOAuthEnabled: boolean;
    googleOAuthEnabled: boolean;
    githubAppEnabled: boolean;
    devMailboxEnabled: boolean;
    localReposAllowed: boolean;
    appUrl: string;
  };
};

export interface RemixMount {
  handler: RequestHandler;
  close(): Promise<void>;
}

export interface RemixOptions {
  /** The Remix project (vite.config.ts, app/, build/); apps/web unless a test says otherwise. */
  appRoot?: string;
}

/** apps/web: the nearest directory with a package.json, from server/ (tsx) or build/server-node/ (compiled). */
function findAppRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find apps/web (no package.json above the server)");
    dir = parent;
  }
  return dir;
}

export function createLoadContext(deps: Deps): GetLoadContextFunction {
  const config: WebLoadContext["config"] = {
    githubOAuthEnabled: deps.env.githubOAuthConfigured,
    googleOAuthEnabled: deps.env.googleOAuthConfigured,
    githubAppEnabled: deps.env.githubAppConfigured,
    devMailboxEnabled: deps.env.devMailboxEnabled,
    localReposAllowed: deps.env.ALLOW_LOCAL_REPOS,
    appUrl: deps.env.APP_URL,
  };
  return (req, res) => {
    const info = requestInfo(req, deps, "web");
    // Cookies set by procedures (sign-in, sign-out, session renewal) are
    // appended to `res` now; Remix appends its own headers when it responds.
    const cookies = responseCookieJar(res, deps);
    // The session is looked up on the first procedure call, once per request,
    // so pages that call none cost no database round trip.
    let context: Promise<Context> | undefined;
    const caller = createCaller(() => (context ??= contextFor(deps, req, info, cookies)));
    const loadContext: WebLoadContext = { caller, requestId: info.requestId, config };
    return loadContext;
  };
}

export async function createProductionRemix(deps: Deps, { appRoot = findAppRoot() }: RemixOptions = {}): Promise<RemixMount> {
  const serverBuild = path.join(appRoot, "build", "server", "index.js");
  if (!existsSync(serverBuild)) {
    throw new Error(`Remix build not found at ${serverBuild}: run \`pnpm build\` first (or NODE_ENV=development for Vite)`);
  }
  const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild;
  const clientBuild = path.join(appRoot, "build", "client");
  const router = express.Router();
  // File names under /assets carry a content hash: cache them for good.
  router.use("/assets", express.static(path.join(clientBuild, "assets"), { immutable: true, maxAge: "1y", index: false }));
  router.use(express.static(clientBuild, { maxAge: "1h", index: false }));
  router.use(createRequestHandler({ build, getLoadContext: createLoadContext(deps), mode: "production" }));
  return { handler: router, close: async () => undefined };
}

export async function createDevelopmentRemix(deps: Deps, httpServer: Server, { appRoot = findAppRoot() }: RemixOptions = {}): Promise<RemixMount> {
  // Imported here so that production never loads Vite (a devDependency).
  const vite = await import("vite");
  const signalListeners = new Set(process.listeners("SIGTERM"));
  const stdinEndListeners = new Set(process.stdin.listeners("end"));
  const devServer = await vite.createServer({
    root: appRoot,
    // HMR's WebSocket rides on our HTTP server; its upgrades are the ones
    // handleUpgrade leaves alone.
    server: { middlewareMode: true, hmr: { server: httpServer } },
  });
  // Remix's plugin starts a second Vite server (its "child compiler") outside
  // middleware mode, and Vite makes such a server exit the process on SIGTERM
  // (code 143) or when stdin ends, cutting our graceful shutdown short.
  // Signals belong to index.ts; devServer.close() closes the child compiler.
  for (const listener of process.listeners("SIGTERM")) {
    if (!signalListeners.has(listener)) process.off("SIGTERM", listener);
  }
  for (const listener of process.stdin.listeners("end")) {
    if (!stdinEndListeners.has(listener)) process.stdin.off("end", listener as () => void);
  }
  const router = express.Router();
  router.use(devServer.middlewares);
  router.use(
    createRequestHandler({
      build: () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
      getLoadContext: createLoadContext(deps),
      mode: "development",
    }),
  );
  return { handler: router, close: () => devServer.close() };
}

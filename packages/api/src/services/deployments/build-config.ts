// How a deployment is built: the settings a deployment snapshots from its
// request (create) or from the deployment it repeats (redeploy), and that the
// build task reads back (build-spec.ts). Spelled once, so a new setting is
// added to every one of those at the same time.

export interface BuildConfig {
  /** Empty: no build step, the output directory is served as it is in the repository. */
  buildCommand: string;
  /** Null: detected from the lockfile by the worker; empty: no install step. */
  installCommand: string | null;
  /** Relative to rootDirectory (or the checkout); "." is the root itself. */
  outputDir: string;
  rootDirectory: string | null;
  /** "18", "20" or "22"; null: automatic (engines.node, else 20; see resolveNodeMajor in node-version.ts). */
  nodeVersion: string | null;
}

/** The Prisma select of a deployment's BuildConfig columns. */
export const buildConfigSelect = {
  buildCommand: true,
  installCommand: true,
  outputDir: true,
  rootDirectory: true,
  nodeVersion: true,
} as const satisfies Record<keyof BuildConfig, true>;

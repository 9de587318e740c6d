import { z } from "zod";

// The one place that reads process.env (an ESLint rule forbids it elsewhere).
// Every process validates its configuration once at start and stops with one
// line naming the variable when something is missing or malformed.

const bool = z
  .enum(["true", "false", "1", "0", ""])
  .transform((v) => v === "true" || v === "1");
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));
/** An http(s) URL without its trailing slash. */
const baseUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .transform((v) => v.replace(/\/+$/, ""));
const duration = z
  .string()
  .regex(/^\d+\s*(s|m|h|d)$/, "must be a duration such as 15m, 1h or 7d");

const schema = z
  .object({
    /** production unless said otherwise: every way of starting a process without it (scale-out commands included) is safe by default. */
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL"),
    APP_URL: optionalString.pipe(z.url().optional()),
    FRONTEND_URL: optionalString.pipe(z.url().optional()),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    TRUST_PROXY: bool.default(false),

    JWT_SECRET: z.string().min(32, "must be at least 32 characters"),
    JWT_EXPIRES_IN: duration.default("1h"),
    REFRESH_TOKEN_EXPIRES_IN: duration.default("30d"),
    // Refresh tokens are opaque random values stored as SHA-256 hashes; this
    // secret is accepted for compatibility with the spec and is not needed.
    REFRESH_TOKEN_SECRET: optionalString,

    GITHUB_CLIENT_ID: optionalString,
    GITHUB_CLIENT_SECRET: optionalString,
    GITHUB_CALLBACK_URL: optionalString.pipe(z.url().optional()),
    GOOGLE_CLIENT_ID: optionalString,
    GOOGLE_CLIENT_SECRET: optionalString,
    GOOGLE_CALLBACK_URL: optionalString.pipe(z.url().optional()),
    /** GitHub's web and API roots: GitHub Enterprise, or a local stand-in in tests (http allowed). */
    GITHUB_URL: baseUrl.default("https://github.com"),
    GITHUB_API_URL: baseUrl.default("https://api.github.com"),
    /** Google's OAuth endpoints, overridable for a local stand-in. */
    GOOGLE_AUTHORIZATION_URL: baseUrl.default("https://accounts.google.com/o/oauth2/v2/auth"),
    GOOGLE_TOKEN_URL: baseUrl.default("https://oauth2.googleapis.com/token"),
    GOOGLE_USERINFO_URL: baseUrl.default("https://openidconnect.googleapis.com/v1/userinfo"),
    /** The GitHub App that deploys on push (all four or none). */
    GITHUB_APP_ID: optionalString.pipe(z.string().regex(/^\d+$/, "must be the App's numeric id").optional()),
    GITHUB_APP_SLUG: optionalString.pipe(z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, "must be the App's URL name (github.com/apps/<slug>)").optional()),
    /** PEM; `\n` escapes are accepted, so the key fits on one line of an env file. */
    GITHUB_APP_PRIVATE_KEY: optionalString.transform((v) => v?.replace(/\\n/g, "\n")).pipe(
      z.string().regex(/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----\s*$/, "must be the App's PEM private key").optional(),
    ),
    GITHUB_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
    /** The App's own OAuth client (optional): with "request user authorization during installation", setup checks the installation is the user's. */
    GITHUB_APP_CLIENT_ID: optionalString,
    GITHUB_APP_CLIENT_SECRET: optionalString,

    SMTP_HOST: optionalString,
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    SMTP_USER: optionalString,
    SMTP_PASS: optionalString,
    SMTP_SECURE: bool.default(false),
    SMTP_FROM: z.string().default("Autostack <noreply@autostack.local>"),
    // Without SMTP, mail is logged and kept for the /dev/mailbox page; on by
    // default outside production (that page shows reset links to anyone).
    DEV_MAILBOX: bool.optional(),

    RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().min(1).default(5),
    RATE_LIMIT_API_PER_MINUTE: z.coerce.number().int().min(1).default(100),

    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),

    // Deployments
    /** Host suffix of deployed sites: http://<slug>.<APP_DOMAIN>. */
    APP_DOMAIN: optionalString,
    DATA_DIR: z.string().default(".data"),
    /** Key for env vars at rest (AES-256-GCM); derived from JWT_SECRET when unset. */
    ENCRYPTION_KEY: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    /** Default: on under NODE_ENV=development (pnpm dev), off otherwise (a local path lets a user read the server's disk). */
    ALLOW_LOCAL_REPOS: bool.optional(),
    /** https repositories on loopback, private or link-local addresses (single-user machines); off: such hosts are refused. */
    ALLOW_PRIVATE_NETWORK_REPOS: bool.default(false),
    /** POST /deployments first asks the repository for the branch (git ls-remote). */
    REPOSITORY_CHECK: bool.default(true),
    RATE_LIMIT_DEPLOYMENTS_PER_HOUR: z.coerce.number().int().min(1).default(10),
    BUILD_RUNNER: z.enum(["docker", "bubblewrap"]).default("docker"), // bubblewrap: weaker isolation, no Docker needed (ADR 0011)
    BUILD_IMAGE: z.string().default("autostack/builder:node20"),
    DOCKER_HOST: optionalString,
    BUILD_TIMEOUT: z.coerce.number().int().min(1000).default(600_000),
    MAX_BUILD_SIZE: z.coerce.number().int().min(1).default(500),
    /** Files an output directory may hold (checked before upload). */
    MAX_BUILD_FILES: z.coerce.number().int().min(1).default(100_000),
    /** MB of disk one build may use: its work directory (checkout, node_modules, output) plus its container's writable layer. */
    BUILD_DISK_MB: z.coerce.number().int().min(1).default(10_240),
    /** MB of build output stored per deployment; later lines are counted, not stored, and one warning line says how many. */
    BUILD_LOG_LIMIT_MB: z.coerce.number().int().min(1).default(50),
    BUILD_MEMORY_MB: z.coerce.number().int().min(32).default(2048),
    BUILD_CPUS: z.coerce.number().min(0.1).max(64).default(1),
    BUILD_PIDS_LIMIT: z.coerce.number().int().min(16).default(512),
    /** public: egress only to public addresses, through the worker's proxy (ADR 0015); none: loopback only; bridge: unfiltered. */
    BUILD_NETWORK: z.enum(["public", "none", "bridge"]).default("public"),
    /** Host names builds may reach even on private addresses (an in-house registry), comma-separated. */
    BUILD_EGRESS_ALLOW_HOSTS: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((host) => host.trim()).filter(Boolean))
      .refine((hosts) => hosts.every((host) => /^[A-Za-z0-9.-]+$|^\[?[0-9A-Fa-f:.]+\]?$/.test(host)), "must be comma-separated host names or IP addresses"),
    /** Build caches (package manager stores, node_modules, framework caches) kept per project, in MB over all projects; 0 turns caching off. */
    BUILD_CACHE_MB: z.coerce.number().int().min(0).default(5120),
    /** Artifacts go to this bucket when set (else DATA_DIR/artifacts); the S3_* and AWS_* keys configure the client. */
    S3_BUCKET: optionalString.pipe(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens")
        .optional(),
    ),
    S3_REGION: z.string().default("us-east-1"),
    S3_ENDPOINT: optionalString.pipe(z.url().optional()),
    S3_FORCE_PATH_STYLE: bool.default(false),
    AWS_ACCESS_KEY_ID: optionalString,
    AWS_SECRET_ACCESS_KEY: optionalString,
    CDN_URL: optionalString.pipe(z.url().optional()),
    /** A worker silent for this long is presumed dead (its builds are retried or failed). */
    WORKER_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(5000).default(30_000),
  })
  .superRefine((env, ctx) => {
    if (!env.S3_BUCKET && env.S3_ENDPOINT) {
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "is required when S3_ENDPOINT is set (without it artifacts are stored under DATA_DIR)" });
    }
    for (const [id, secret] of [
      ["GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"],
      ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"],
      ["GITHUB_APP_CLIENT_ID", "GITHUB_APP_CLIENT_SECRET"],
      ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
    ] as const) {
      if (Boolean(env[id]) !== Boolean(env[secret])) {
        ctx.addIssue({ code: "custom", path: [env[id] ? secret : id], message: `must be set together with ${env[id] ? id : secret}` });
      }
    }
    const app = ["GITHUB_APP_ID", "GITHUB_APP_SLUG", "GITHUB_APP_PRIVATE_KEY", "GITHUB_WEBHOOK_SECRET"] as const;
    const appSet = app.filter((name) => env[name]);
    if (appSet.length > 0 && appSet.length < app.length) {
      const missing = app.find((name) => !env[name])!;
      ctx.addIssue({ code: "custom", path: [missing], message: `must be set together with ${appSet.join(", ")} (the GitHub App needs all four)` });
    }
  });

export type RawEnv = z.infer<typeof schema>;

export interface Env extends RawEnv {
  APP_URL: string;
  APP_DOMAIN: string;
  FRONTEND_URL: string;
  ALLOW_LOCAL_REPOS: boolean;
  isProduction: boolean;
  smtpConfigured: boolean;
  devMailboxEnabled: boolean;
  /** Cookies get `Secure` and responses HSTS when the app is served over https. */
  httpsOnly: boolean;
  githubOAuthConfigured: boolean;
  googleOAuthConfigured: boolean;
  /** GITHUB_APP_ID, _SLUG, _PRIVATE_KEY and GITHUB_WEBHOOK_SECRET are set. */
  githubAppConfigured: boolean;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = issue.path.join(".") || "environment";
    const received = source[variable];
    const message = received === undefined && issue.code === "invalid_type" ? "is required" : issue.message;
    throw new ConfigError(`Invalid configuration: ${variable} ${message}`);
  }
  const raw = result.data;
  const appUrl = (raw.APP_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, "");
  const appDomain = raw.APP_DOMAIN ?? `localhost:${raw.PORT}`;
  // Sites are <slug>.<APP_DOMAIN>: an app inside that namespace would share cookies and an origin's trust with user content.
  const appHost = new URL(appUrl).host.toLowerCase();
  if (appHost.endsWith(`.${appDomain.toLowerCase()}`)) {
    throw new ConfigError(`Invalid configuration: APP_URL ${appHost} is inside the deployed sites' namespace (*.${appDomain}); serve the app from ${appDomain} or another host`);
  }
  return {
    ...raw,
    APP_URL: appUrl,
    FRONTEND_URL: (raw.FRONTEND_URL ?? appUrl).replace(/\/$/, ""),
    APP_DOMAIN: appDomain,
    ALLOW_LOCAL_REPOS: raw.ALLOW_LOCAL_REPOS ?? raw.NODE_ENV === "development",
    isProduction: raw.NODE_ENV === "production",
    smtpConfigured: Boolean(raw.SMTP_HOST),
    // Shows password-reset links to anyone: never in production, whatever DEV_MAILBOX says.
    devMailboxEnabled: !raw.SMTP_HOST && raw.NODE_ENV !== "production" && (raw.DEV_MAILBOX ?? true),
    httpsOnly: appUrl.startsWith("https://"),
    githubOAuthConfigured: Boolean(raw.GITHUB_CLIENT_ID && raw.GITHUB_CLIENT_SECRET),
    googleOAuthConfigured: Boolean(raw.GOOGLE_CLIENT_ID && raw.GOOGLE_CLIENT_SECRET),
    githubAppConfigured: Boolean(raw.GITHUB_APP_ID),
  };
}

/** Reads and validates the process environment; exits with one line on error. */
export function loadEnv(): Env {
  try {
    // eslint-disable-next-line no-restricted-properties
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** Parses a duration such as "15m" or "7d" into seconds. */
export function durationToSeconds(value: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(value);
  if (!match) throw new ConfigError(`Invalid duration: ${value}`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}

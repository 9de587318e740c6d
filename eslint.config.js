import { readFileSync } from "node:fs";
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

// Import boundaries (issue 10): they hold because `pnpm lint` fails when one is
// crossed (packages/api/src/lint-boundaries.test.ts proves each rule fires).
// ESLint keeps only the last `no-restricted-imports` setting that matches a
// file, so every files-glob below lists all the boundaries that apply to it.

/** "services", "env", … : the subpaths packages/api/package.json exports. */
const apiEntries = Object.keys(JSON.parse(readFileSync(new URL("./packages/api/package.json", import.meta.url), "utf8")).exports)
  .filter((entry) => entry !== ".")
  .map((entry) => entry.slice(2).replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

const appMessage = "Nothing imports an app: move what is shared into a package.";
const noAppImports = [
  { group: ["@autostack/web", "@autostack/web/*", "@autostack/worker", "@autostack/worker/*"], message: appMessage },
  { regex: "^(\\.\\./)+apps/(web|worker)(/|$)", message: appMessage },
];
const noPathsIntoPackages = [{ regex: "^(\\.\\./)+packages/", message: "Import a workspace package by its name, not by a path into its sources." }];
const apiPublicEntriesOnly = [
  { regex: `^@autostack/api/(?!(${apiEntries.join("|")})$)`, message: "Import @autostack/api only through the entries its package.json exports." },
];
// The worker runs builds and mail, not requests: it never loads the tRPC router.
const workerApiEntries = [{ regex: "^@autostack/api(?!/(services|env)$)(/|$)", message: "The worker imports @autostack/api only through /services and /env." }];
const fromOtherApp = (app) => [{ regex: `^(\\.\\./)+${app}/`, message: appMessage }];
// Services are the domain layer every transport shares: they take narrow
// arguments (services/deps.ts, services/http-request.ts) and return what the
// transport should do, so they never see tRPC, Express, WebSockets or Remix.
const transportFreeServices = [
  { group: ["@trpc/*", "trpc-to-openapi", "express", "express/*", "ws", "@remix-run/*"], message: "Services know no transport; the procedure or server adapts their result." },
  { regex: "^@autostack/api(/|$)", message: "Services import their package's files directly, never its public entries (that would load the router)." },
  {
    regex: "^(\\.\\.?/)+(context|trpc|root|routers)(\\.js)?(/|$)",
    message: "Services never see the tRPC context or router: take Deps from services/deps.ts and request/cookie types from services/http-request.ts.",
  },
];
// Pure vocabulary and rules (statuses, validation, env-var parsing) sit below
// schemas and services, and the browser loads them through @autostack/api/schemas:
// they import nothing but each other (and type-only event names).
const pureDomain = [
  { regex: "^(\\.\\./)+(services|schemas|routers|testing)(/|$)", message: "The domain layer sits below services and schemas: it imports neither." },
  { regex: "^(\\.\\./)+(context|trpc|root|env|logger)(\\.js)?$", message: "The domain layer is pure: no context, router, configuration or logger." },
  { group: ["node:*", "@autostack/*", "@prisma/*", "@trpc/*", "express", "ws", "@remix-run/*", "pg"], message: "The domain layer runs in the browser too: no Node, database or transport imports." },
];
const restrictImports = (...boundaries) => ({ "no-restricted-imports": ["error", { patterns: boundaries.flat() }] });

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/build/**",
      "**/.data/**",
      "**/generated/**",
      "**/test-results/**",
      "**/playwright-report/**",
      "**/.cache/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // Configuration is read and validated in one place: packages/api/src/env.ts.
      "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through env.ts (loadEnv)." }],
      ...restrictImports(noAppImports),
    },
  },
  { files: ["apps/web/**"], rules: restrictImports(noAppImports, fromOtherApp("worker"), noPathsIntoPackages, apiPublicEntriesOnly) },
  // Worker tests may drive the router (createCaller) to check what a task did.
  { files: ["apps/worker/**"], rules: restrictImports(noAppImports, fromOtherApp("web"), noPathsIntoPackages, apiPublicEntriesOnly) },
  {
    files: ["apps/worker/src/**"],
    ignores: ["**/*.test.ts", "apps/worker/src/testing/**"],
    rules: restrictImports(noAppImports, fromOtherApp("web"), noPathsIntoPackages, workerApiEntries),
  },
  { files: ["packages/api/src/services/**"], rules: restrictImports(noAppImports, transportFreeServices) },
  { files: ["packages/api/src/domain/**"], ignores: ["**/*.test.ts"], rules: restrictImports(noAppImports, pureDomain) },
  {
    files: ["apps/web/app/**/*.{ts,tsx}", "packages/ui/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Entry scripts, test harnesses and tool configs set up environments for
    // child processes; they are not application code.
    files: ["scripts/**", "**/*.config.{ts,js,mjs}", "**/vitest.global-setup.ts", "**/*.test.ts", "**/testing/**", "**/tests/**", "**/scripts/**", "bench/**", ".ci/**"],
    rules: { "no-restricted-properties": "off" },
  },
);

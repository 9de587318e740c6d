import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/build/**",
      "!apps/worker/src/build/**",
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
    },
  },
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

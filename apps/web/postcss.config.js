import { fileURLToPath } from "node:url";

// The config path is explicit: Tailwind would otherwise look for it in the
// process's working directory, which is not apps/web when the server is
// started from the repository root.
export default {
  plugins: {
    tailwindcss: { config: fileURLToPath(new URL("./tailwind.config.ts", import.meta.url)) },
    autoprefixer: {},
  },
};

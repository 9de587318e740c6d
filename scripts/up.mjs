// Command 1 of the README: from a fresh clone with only Node.js 20 to a
// running platform (dependencies, build, database, migrations, web + worker).
import { ensurePnpm, installDependencies, log, run } from "./lib.mjs";

ensurePnpm();
installDependencies();
run("pnpm", ["build"], { env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
log("starting Autostack");
run("node", ["scripts/start.mjs", ...process.argv.slice(2)]);

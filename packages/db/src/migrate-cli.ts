import { migrate } from "./migrate.js";

// eslint-disable-next-line no-restricted-properties
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required for db:migrate (the start command migrates the embedded database itself)");
  process.exit(1);
}
const result = await migrate(url);
console.log(`migrations applied: ${result.applied.length}, already applied: ${result.alreadyApplied.length}`);

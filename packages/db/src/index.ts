export { createDatabase, type Database } from "./client.js";
export { migrate, listMigrations, type MigrationResult } from "./migrate.js";
export * from "./generated/prisma/client.js";

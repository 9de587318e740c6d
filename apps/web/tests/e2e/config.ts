import path from "node:path";
import { fileURLToPath } from "node:url";

// Ports of the platform under test and of the SMTP server the tests run.
export const E2E_PORT = 3999;
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_SMTP_PORT = 2526;
/** The GitHub/Google stand-in start-platform.mjs runs for sign-in (its URL is GITHUB_URL). */
export const E2E_STAND_IN_PORT = 3998;
export const E2E_STAND_IN_URL = `http://127.0.0.1:${E2E_STAND_IN_PORT}`;

/** The platform's DATA_DIR during the tests (start-platform.mjs empties it first). */
export const E2E_DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../.data/e2e");
/** Written by start-platform.mjs: `{ dockerHost, reason }`, dockerHost "" when builds cannot run. */
export const E2E_BUILD_ENGINE_FILE = path.join(E2E_DATA_DIR, "build-engine.json");

// Ports of the platform under test and of the SMTP server the tests run.
export const E2E_PORT = 3999;
export const E2E_BASE_URL = `http://localhost:${E2E_PORT}`;
export const E2E_SMTP_PORT = 2526;

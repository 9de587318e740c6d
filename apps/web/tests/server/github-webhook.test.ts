import { generateKeyPairSync, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhookBody } from "@autostack/api/services";
import { expectEnvelope, startTestServer, type TestServer } from "./harness.js";

// POST /api/webhooks/github over real HTTP: the signature is checked over the
// exact bytes sent, a redelivery creates nothing, and the answer is the
// spec's envelope on failure.

const SECRET = "webhook-secret-for-tests-0123456789";
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("POST /api/webhooks/github", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: {
        GITHUB_APP_ID: "4242",
        GITHUB_APP_SLUG: "autostack-test",
        GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
        GITHUB_WEBHOOK_SECRET: SECRET,
      },
    });
  });
  afterAll(() => server?.close());

  // Not JSON.stringify's spacing: GitHub's own bytes, whitespace included, are what is signed.
  const body = '{ "zen": "Design for failure.",\n  "hook_id": 1, "installation": { "id": 9 } }';
  const post = (headers: Record<string, string>, payload = body) =>
    fetch(`${server.url}/api/webhooks/github`, { method: "POST", headers: { "content-type": "application/json", "user-agent": "GitHub-Hookshot/1", ...headers }, body: payload });

  it("accepts a signed delivery once and a redelivery without creating anything", async () => {
    const id = randomUUID();
    const headers = { "x-github-event": "ping", "x-github-delivery": id, "x-hub-signature-256": signWebhookBody(SECRET, body) };
    const first = await post(headers);
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ received: true, deliveryId: id, duplicate: false });
    const again = await post(headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await server.deps.db.githubWebhookDelivery.count({ where: { id } })).toBe(1);
  });

  it("refuses a bad or missing signature with 401 in the envelope, storing nothing", async () => {
    for (const signature of [undefined, signWebhookBody("wrong-secret-0123456789", body), signWebhookBody(SECRET, `${body} `)]) {
      const id = randomUUID();
      const response = await post({ "x-github-event": "ping", "x-github-delivery": id, ...(signature ? { "x-hub-signature-256": signature } : {}) });
      expectEnvelope({ status: response.status, body: await response.json(), headers: response.headers }, "UNAUTHORIZED", 401);
      expect(await server.deps.db.githubWebhookDelivery.count({ where: { id } })).toBe(0);
    }
  });

  it("answers a body over the limit with 413", async () => {
    const huge = JSON.stringify({ padding: "x".repeat(1024 * 1024 + 10) });
    const response = await post({ "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": signWebhookBody(SECRET, huge) }, huge);
    expect(response.status).toBe(413);
  });
});

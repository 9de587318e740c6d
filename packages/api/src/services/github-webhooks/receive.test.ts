import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, testEnv, type Harness } from "../../testing/harness.js";
import { receiveGitHubDelivery } from "./receive.js";
import { signWebhookBody } from "./signature.js";
import { appEnv, WEBHOOK_SECRET as SECRET } from "./webhook-fixtures.js";

// The intake of POST /api/webhooks/github against a real database and queue.


const pushBody = Buffer.from(JSON.stringify({ ref: "refs/heads/main", after: "a".repeat(40), installation: { id: 77 }, repository: { id: 5, full_name: "octo/site" } }));

function delivery(overrides: Partial<{ event: string; deliveryId: string; signature: string; body: Buffer }> = {}) {
  const body = overrides.body ?? pushBody;
  return { event: "push", deliveryId: crypto.randomUUID(), signature: signWebhookBody(SECRET, body), body, ...overrides };
}

describe("receiving GitHub webhook deliveries", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(appEnv);
  });
  afterAll(() => h?.close());

  const rows = (id: string) => h.deps.db.githubWebhookDelivery.findMany({ where: { id } });
  const jobs = (id: string) =>
    h.deps.db.$queryRaw<{ task_identifier: string }[]>`
      SELECT t.identifier AS task_identifier FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE j.payload->>'deliveryId' = ${id}`;

  it("records a signed delivery with its job, once: a redelivery answers 200 and creates nothing", async () => {
    const first = delivery();
    const received = await receiveGitHubDelivery(h.deps, first);
    expect(received).toEqual({ status: 202, body: { received: true, deliveryId: first.deliveryId, duplicate: false, ignored: false } });
    expect(await rows(first.deliveryId)).toMatchObject([{ event: "push", installationId: 77n, processedAt: null }]);
    expect(await jobs(first.deliveryId)).toEqual([{ task_identifier: "github-webhook" }]);

    const again = await receiveGitHubDelivery(h.deps, first);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(await rows(first.deliveryId)).toHaveLength(1);
    expect(await jobs(first.deliveryId)).toHaveLength(1);
  });

  it("refuses a missing, malformed or wrong signature with 401 and stores nothing", async () => {
    const other = signWebhookBody("another-secret-0123456789", pushBody);
    const tampered = Buffer.from(pushBody.toString().replace("main", "prod"));
    for (const attempt of [
      delivery({ signature: "" }),
      delivery({ signature: "sha1=abc" }),
      delivery({ signature: other }),
      delivery({ body: tampered, signature: signWebhookBody(SECRET, pushBody) }),
    ]) {
      await expect(receiveGitHubDelivery(h.deps, attempt)).rejects.toMatchObject({ code: "UNAUTHORIZED", statusCode: 401 });
      expect(await rows(attempt.deliveryId)).toEqual([]);
    }
  });

  it("answers malformed headers and bodies with 422, storing nothing", async () => {
    const notJson = Buffer.from("payload=%7B%7D");
    const cases = [
      { input: delivery({ deliveryId: "" }), field: "X-GitHub-Delivery" },
      { input: delivery({ deliveryId: "x".repeat(65) }), field: "X-GitHub-Delivery" },
      { input: delivery({ event: "Push; drop" }), field: "X-GitHub-Event" },
      { input: delivery({ body: notJson, signature: signWebhookBody(SECRET, notJson) }), field: "body" },
      { input: delivery({ body: Buffer.from("[1]"), signature: signWebhookBody(SECRET, "[1]") }), field: "body" },
    ];
    for (const { input, field } of cases) {
      await expect(receiveGitHubDelivery(h.deps, input)).rejects.toMatchObject({ code: "VALIDATION_ERROR", details: { fields: { [field]: expect.any(String) } } });
    }
    expect(await h.deps.db.githubWebhookDelivery.count({ where: { event: "Push; drop" } })).toBe(0);
  });

  it("records events it does not act on (ping) as ignored, without payload or job", async () => {
    const body = Buffer.from(JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }));
    const ping = delivery({ event: "ping", body, signature: signWebhookBody(SECRET, body) });
    const received = await receiveGitHubDelivery(h.deps, ping);
    expect(received.body).toMatchObject({ duplicate: false, ignored: true });
    const [row] = await rows(ping.deliveryId);
    expect(row).toMatchObject({ event: "ping", payload: null, outcome: expect.stringMatching(/^ignored/) });
    expect(row!.processedAt).toBeInstanceOf(Date);
    expect(await jobs(ping.deliveryId)).toEqual([]);
  });

  it("is not found where no GitHub App is configured", async () => {
    const deps = { db: h.deps.db, env: testEnv() };
    await expect(receiveGitHubDelivery(deps, delivery())).rejects.toMatchObject({ code: "GITHUB_NOT_CONFIGURED", statusCode: 404 });
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markCancelled, markFailed, markSucceeded, notifyDeployment, secretBoxFromEnv, createMailer } from "@autostack/api/services";
import { pino } from "pino";
import { closedPort, startTestSmtpServer, type TestSmtpServer } from "../testing/smtp-server.js";
import { createWorkerHarness, waitFor, type WorkerHarness } from "../testing/worker-harness.js";

// notify_deployment end to end: a deployment reaches success or failure
// through the real lifecycle functions (which enqueue the job in the same
// transaction), the worker runs the job, and the mail arrives at a real SMTP
// server — or does not, as the owner's preferences say.

const SECRET = "sk_live_notify_4242_do_not_mail";
const APP_URL = "https://app.autostack.test";

interface Seeded {
  userId: string;
  deploymentId: string;
  email: string;
}

/** A user, a project and a deployment that is building (no build job: nothing else runs). */
async function seedBuilding(h: WorkerHarness, preferences?: { emailNotifications?: boolean; deploymentSuccessNotifications?: boolean; deploymentFailureNotifications?: boolean }): Promise<Seeded> {
  const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
  const user = await h.db.user.create({ data: { name: "Owner", email } });
  if (preferences) await h.db.userPreferences.create({ data: { userId: user.id, ...preferences } });
  const slug = `site-${randomUUID().slice(0, 8)}`;
  const project = await h.db.project.create({ data: { userId: user.id, name: "my-site", repository: "https://git.example.com/acme/my-site.git", slug } });
  const id = randomUUID();
  // A build job first (as a running build has one), so the stuck-build sweep never sees the deployment without it.
  await h.db.$executeRaw`SELECT graphile_worker.add_job('build', json_build_object('deploymentId', ${id}::text), job_key := ${`build:${id}`}::text, run_at := now() + interval '1 hour')`;
  await h.db.deployment.create({
    data: {
      id,
      projectId: project.id,
      userId: user.id,
      status: "building",
      branch: "release/v2",
      commitHash: "0123456789abcdef0123456789abcdef01234567",
      commitMessage: "Fix the <header> & footer\n\nLonger body that stays out of the mail",
      slug: `${slug}-abc123`,
      repository: "https://git.example.com/acme/my-site.git",
      buildCommand: "npm run build",
      outputDir: "dist",
      envVarsEncrypted: secretBoxFromEnv(h.env).seal(JSON.stringify([["API_KEY", SECRET]]), `deployment:${id}`),
      workerId: h.worker.workerId,
      startedAt: new Date(Date.now() - 83_000),
    },
  });
  return { userId: user.id, deploymentId: id, email };
}

const succeed = (h: WorkerHarness, id: string) => markSucceeded(h.db, h.env, id, { artifactKey: `${id}.tar`, bytes: 10, files: 1 });

/** Jobs other than the placeholder build jobs of seedBuilding. */
const notifyJobs = async (h: WorkerHarness) => (await h.jobs()).filter((job) => job.task !== "build");
const emptyQueue = (h: WorkerHarness) => async () => (await notifyJobs(h)).length === 0;

function smtpEnv(port: number) {
  return { SMTP_HOST: "127.0.0.1", SMTP_PORT: String(port), SMTP_FROM: "Autostack <noreply@autostack.test>", APP_URL, APP_DOMAIN: "sites.autostack.test" };
}

function mailsTo(smtp: TestSmtpServer, email: string) {
  return smtp.received.filter((m) => m.envelope.to.includes(email));
}

describe("notify_deployment over SMTP", () => {
  let smtp: TestSmtpServer;
  let h: WorkerHarness;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    h = await createWorkerHarness(smtpEnv(smtp.port));
  });
  afterAll(async () => {
    await h.close();
    await smtp.close();
  });

  it("mails a success with the deployment's link, the site, repository, branch, commit and duration", async () => {
    const seeded = await seedBuilding(h);
    expect(await succeed(h, seeded.deploymentId)).toBe(true);
    const [received] = await waitFor(() => (mailsTo(smtp, seeded.email).length ? mailsTo(smtp, seeded.email) : undefined), { what: "the success mail" });
    const { mail } = received!;
    expect(mail.subject).toBe("Deployed: my-site (release/v2)");
    expect(mail.text).toContain(`Details: ${APP_URL}/deployments/${seeded.deploymentId}`);
    expect(mail.text).toMatch(/Site: https:\/\/site-[0-9a-f]{8}-abc123\.sites\.autostack\.test/);
    expect(mail.text).toContain("Repository: https://git.example.com/acme/my-site.git");
    expect(mail.text).toContain("Branch: release/v2");
    expect(mail.text).toContain("Commit: 0123456 Fix the <header> & footer");
    expect(mail.text).not.toContain("Longer body");
    expect(mail.text).toMatch(/Duration: 1m 2[34]s/);
    expect(mail.html).toContain("Fix the &lt;header&gt; &amp; footer");
    expect(mail.html).toContain(`href="${APP_URL}/deployments/${seeded.deploymentId}"`);
    expect(`${mail.subject} ${mail.text} ${String(mail.html)}`).not.toContain(SECRET);
    await waitFor(emptyQueue(h), { what: "the job to complete" });
    expect((await h.db.deployment.findUniqueOrThrow({ where: { id: seeded.deploymentId } })).notifiedAt).toBeInstanceOf(Date);
  });

  it("mails a failure with the stored (masked) error message and no env var value", async () => {
    const seeded = await seedBuilding(h);
    expect(await markFailed(h.db, seeded.deploymentId, "Build failed: npm run build exited with code 1 (API_KEY=***)", { workerId: h.worker.workerId })).toBe(true);
    const [received] = await waitFor(() => (mailsTo(smtp, seeded.email).length ? mailsTo(smtp, seeded.email) : undefined), { what: "the failure mail" });
    const { mail } = received!;
    expect(mail.subject).toBe("Deployment failed: my-site (release/v2)");
    expect(mail.text).toContain("Error: Build failed: npm run build exited with code 1 (API_KEY=***)");
    expect(mail.text).toContain(`${APP_URL}/deployments/${seeded.deploymentId}`);
    expect(mail.text).not.toContain("Site:");
    expect(`${mail.subject} ${mail.text} ${String(mail.html)}`).not.toContain(SECRET);
    await waitFor(emptyQueue(h), { what: "the job to complete" });
  });

  it("sends nothing when the owner turned the notification off, and only the kind left on", async () => {
    const allOff = await seedBuilding(h, { emailNotifications: false });
    const successOff = await seedBuilding(h, { deploymentSuccessNotifications: false });
    const failureOff = await seedBuilding(h, { deploymentFailureNotifications: false });
    await succeed(h, allOff.deploymentId);
    await succeed(h, successOff.deploymentId);
    await markFailed(h.db, failureOff.deploymentId, "boom");
    const failedWanted = await seedBuilding(h, { deploymentSuccessNotifications: false });
    await markFailed(h.db, failedWanted.deploymentId, "boom");
    await waitFor(() => mailsTo(smtp, failedWanted.email).length === 1, { what: "the one wanted mail" });
    await waitFor(emptyQueue(h), { what: "every job to complete" });
    for (const unwanted of [allOff, successOff, failureOff]) expect(mailsTo(smtp, unwanted.email)).toEqual([]);
  });

  it("sends one mail however often the job runs, even two runs at once", async () => {
    const seeded = await seedBuilding(h);
    await succeed(h, seeded.deploymentId);
    await waitFor(() => mailsTo(smtp, seeded.email).length === 1, { what: "the mail" });
    await waitFor(emptyQueue(h), { what: "the job to complete" });
    // The job again (a retry, a second enqueue): completes, mails nothing.
    await h.addRawJob("notify_deployment", { deploymentId: seeded.deploymentId });
    await h.addRawJob("notify_deployment", { deploymentId: seeded.deploymentId });
    await waitFor(emptyQueue(h), { what: "the repeated jobs to complete" });
    expect(mailsTo(smtp, seeded.email)).toHaveLength(1);

    // Two runs racing on a deployment not mailed yet (the job and its duplicate on two workers).
    const racing = await seedBuilding(h, { emailNotifications: false });
    await succeed(h, racing.deploymentId);
    await waitFor(emptyQueue(h), { what: "the disabled job to complete" });
    await h.db.userPreferences.update({ where: { userId: racing.userId }, data: { emailNotifications: true } });
    const mailer = createMailer(h.env, h.db, pino({ level: "silent" }));
    const results = await Promise.all([1, 2, 3].map(() => notifyDeployment({ db: h.db, env: h.env, mailer }, racing.deploymentId)));
    expect(results.sort()).toEqual(["already-notified", "already-notified", "sent"]);
    expect(mailsTo(smtp, racing.email)).toHaveLength(1);
  });

  it("sends nothing for a cancelled deployment (no job is even queued)", async () => {
    await waitFor(emptyQueue(h), { what: "earlier jobs to complete" });
    await h.db.$executeRaw`DELETE FROM graphile_worker._private_jobs`;
    const seeded = await seedBuilding(h);
    expect(await markCancelled(h.db, seeded.deploymentId)).toBe(true);
    expect(await h.jobs()).toEqual([]); // its build job removed, and no notification queued
    const mailer = createMailer(h.env, h.db, pino({ level: "silent" }));
    expect(await notifyDeployment({ db: h.db, env: h.env, mailer }, seeded.deploymentId)).toBe("not-final");
    expect(mailsTo(smtp, seeded.email)).toEqual([]);
  });

  it("fails a malformed payload once, for good", async () => {
    await h.addRawJob("notify_deployment", { deploymentId: "../../etc" });
    const [failed] = await waitFor(async () => {
      const jobs = await notifyJobs(h);
      return jobs[0]?.lastError ? jobs : undefined;
    }, { what: "the malformed job to fail" });
    expect(failed).toMatchObject({ task: "notify_deployment", attempts: 1, maxAttempts: 1 });
    await h.db.$executeRaw`DELETE FROM graphile_worker._private_jobs WHERE task_id = (SELECT id FROM graphile_worker._private_tasks WHERE identifier = 'notify_deployment')`;
  });
});

describe("notify_deployment while the SMTP server is down", () => {
  let port: number;
  let h: WorkerHarness;
  let smtp: TestSmtpServer | undefined;
  beforeAll(async () => {
    port = await closedPort();
    h = await createWorkerHarness(smtpEnv(port));
  });
  afterAll(async () => {
    await h.close();
    await smtp?.close();
  });

  it("keeps the job for a retry, which delivers exactly one mail once the server is back", async () => {
    const seeded = await seedBuilding(h);
    await markFailed(h.db, seeded.deploymentId, "boom");
    const [failed] = await waitFor(async () => {
      const jobs = await notifyJobs(h);
      return jobs[0]?.lastError ? jobs : undefined;
    }, { what: "the failed attempt" });
    expect(failed).toMatchObject({ task: "notify_deployment", attempts: 1, maxAttempts: 5, lockedBy: null });
    expect(failed!.lastError).toMatch(/SMTP delivery via 127\.0\.0\.1:\d+ failed/);
    expect((await h.db.deployment.findUniqueOrThrow({ where: { id: seeded.deploymentId } })).notifiedAt).toBeNull();

    // graphile-worker retries after exp(1) ≈ 2.7 s.
    smtp = await startTestSmtpServer({ port });
    await waitFor(() => smtp!.received.length > 0, { timeoutMs: 15_000, what: "the retried delivery" });
    await waitFor(emptyQueue(h), { what: "the job to complete" });
    await h.addRawJob("notify_deployment", { deploymentId: seeded.deploymentId });
    await waitFor(emptyQueue(h), { what: "the repeated job to complete" });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.mail.subject).toBe("Deployment failed: my-site (release/v2)");
  });
});

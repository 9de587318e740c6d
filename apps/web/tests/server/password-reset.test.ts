import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, cookiePair, signUp, startTestServer, uniqueEmail, type ErrorBody, type TestServer } from "./harness.js";

// Forgot/reset password over REST, down to the job graphile-worker would run.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface SendEmailJob {
  to: string;
  subject: string;
  text: string;
}

/** The send-email jobs queued for an address (graphile-worker 0.18 keeps them in _private_jobs). */
async function sendEmailJobs(to: string): Promise<SendEmailJob[]> {
  const rows = await server.deps.db.$queryRaw<{ payload: SendEmailJob }[]>`
    SELECT j.payload FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE t.identifier = 'send-email' AND j.payload->>'to' = ${to}
    ORDER BY j.id`;
  return rows.map((r) => r.payload);
}

describe("password reset", () => {
  it("enqueues a send-email job with the reset link; the token works once and ends every session", async () => {
    const { email, cookie, refreshToken } = await signUp(server);
    expect((await call(server, "GET", "/api/auth/session", { cookie })).status).toBe(200);

    const forgot = await call(server, "POST", "/api/auth/forgot-password", { body: { email } });
    expect(forgot.status).toBe(200);
    expect(forgot.body).toMatchObject({ success: true });

    const jobs = await sendEmailJobs(email);
    expect(jobs).toHaveLength(1);
    const link = /(https?:\/\/\S+\/reset-password\?token=\S+)/.exec(jobs[0]!.text)?.[1];
    expect(link, "a reset link in the mail text").toBeDefined();
    expect(link!.startsWith(`${server.url}/reset-password?token=`)).toBe(true);
    const token = new URL(link!).searchParams.get("token")!;

    const reset = await call(server, "POST", "/api/auth/reset-password", { body: { token, password: "brand-new-password" } });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ success: true });

    // Every session and refresh token of the user is gone.
    const oldCookie = await call<ErrorBody>(server, "GET", "/api/auth/session", { cookie });
    expect(oldCookie.status).toBe(401);
    expect(oldCookie.body.error.code).toBe("UNAUTHORIZED");
    expect((await call(server, "POST", "/api/auth/refresh", { body: { refreshToken } })).status).toBe(401);

    // The new password works, the old one does not.
    expect((await call(server, "POST", "/api/auth/login", { body: { email, password: "correct-horse-battery" } })).status).toBe(401);
    const login = await call(server, "POST", "/api/auth/login", { body: { email, password: "brand-new-password" } });
    expect(login.status).toBe(200);
    expect(cookiePair(login.setCookies[0])).toMatch(/^autostack_session=/);

    const again = await call<ErrorBody>(server, "POST", "/api/auth/reset-password", { body: { token, password: "third-password" } });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe("VALIDATION_ERROR");
  });

  it("answers the same for an unknown address and queues nothing", async () => {
    const ghost = uniqueEmail("ghost");
    const result = await call(server, "POST", "/api/auth/forgot-password", { body: { email: ghost } });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ success: true });
    expect(await sendEmailJobs(ghost)).toHaveLength(0);
  });
});

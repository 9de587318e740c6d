import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTRPCClient, createWSClient, httpBatchLink, TRPCClientError, wsLink } from "@trpc/client";
import superjson from "superjson";
import WebSocket from "ws";
import type { AppRouter } from "@autostack/api";
import { appendLogs } from "@autostack/api/services";
import { call, signUp, startTestServer, type ErrorBody, type TestServer } from "./harness.js";

// tRPC clients as the browser app uses them, over HTTP and WebSocket at /trpc.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const wsUrl = () => `${server.url.replace(/^http/, "ws")}/trpc`;

/** Resolves once the socket is closed, or rejects when the handshake is refused. */
function openWebSocket(headers: Record<string, string>): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl(), { headers });
    socket.once("open", () => {
      socket.close();
      resolve({ opened: true });
    });
    socket.once("unexpected-response", (_req, res) => resolve({ opened: false, status: res.statusCode }));
    socket.once("error", () => resolve({ opened: false }));
  });
}

describe("tRPC over HTTP", () => {
  it("httpBatchLink + superjson calls auth.session with a bearer token", async () => {
    const { accessToken, email } = await signUp(server);
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${accessToken}` } })],
    });
    const [session, profile] = await Promise.all([client.auth.session.query(), client.user.profile.query()]);
    expect(session.user.email).toBe(email);
    expect(session.session.method).toBe("bearer");
    expect(profile.createdAt).toBeInstanceOf(Date); // superjson round trip
  });

  it("a session cookie set by auth.login reaches the HTTP response", async () => {
    const { email, password } = await signUp(server);
    let setCookies: string[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${server.url}/trpc`,
          transformer: superjson,
          fetch: async (input, init) => {
            const response = await fetch(input, init);
            setCookies = response.headers.getSetCookie();
            return response;
          },
        }),
      ],
    });
    await client.auth.login.mutate({ email, password, rememberMe: true });
    expect(setCookies.find((c) => c.startsWith("autostack_session="))).toMatch(/HttpOnly.*SameSite=Lax|SameSite=Lax.*HttpOnly/);
  });

  it("errors carry the spec's envelope in data.envelope", async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson })] });
    const error = await client.auth.session.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data as { envelope?: unknown } | undefined;
    expect(data?.envelope).toEqual({ error: { code: "UNAUTHORIZED", message: "Authentication required", statusCode: 401, details: {} } });
  });
});

describe("tRPC over WebSocket", () => {
  it("wsLink with connectionParams.token calls auth.session", async () => {
    const { accessToken, email } = await signUp(server);
    const wsClient = createWSClient({ url: wsUrl(), WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, connectionParams: { token: accessToken } });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
      const session = await client.auth.session.query();
      expect(session.user.email).toBe(email);
      expect(session.session.method).toBe("bearer");
    } finally {
      await wsClient.close();
    }
  });

  it("authenticates from the upgrade request's Authorization header", async () => {
    const { accessToken, email } = await signUp(server);
    // ws's constructor takes headers; the client factory passes them through.
    class WebSocketWithHeaders extends WebSocket {
      constructor(url: string | URL) {
        super(url, { headers: { authorization: `Bearer ${accessToken}` } });
      }
    }
    const wsClient = createWSClient({ url: wsUrl(), WebSocket: WebSocketWithHeaders as unknown as typeof globalThis.WebSocket });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
      expect((await client.auth.session.query()).user.email).toBe(email);
    } finally {
      await wsClient.close();
    }
  });

  it("without credentials a call answers UNAUTHORIZED", async () => {
    const wsClient = createWSClient({ url: wsUrl(), WebSocket: WebSocket as unknown as typeof globalThis.WebSocket });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
      const error = await client.auth.session.query().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      expect((error as TRPCClientError<AppRouter>).data?.code).toBe("UNAUTHORIZED");
    } finally {
      await wsClient.close();
    }
  });

  it("refuses a handshake from a foreign Origin (cross-site WebSocket hijacking) and accepts the app's own", async () => {
    const { cookie } = await signUp(server);
    expect(await openWebSocket({ origin: "https://evil.example", cookie })).toEqual({ opened: false, status: 403 });
    expect(await openWebSocket({ origin: server.url, cookie })).toEqual({ opened: true });
  });

  it("other upgrade paths are not served", async () => {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/somewhere-else`);
      socket.once("open", () => resolve(false));
      socket.once("error", () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

function httpClient(accessToken: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${accessToken}` } })],
  });
}

/** Whatever the subscription does first: deliver an event or fail. */
function firstOutcome(subscribe: (handlers: { onData(data: unknown): void; onError(error: unknown): void }) => { unsubscribe(): void }) {
  return new Promise<{ data: unknown } | { error: unknown }>((resolve) => {
    const subscription = subscribe({
      onData: (data) => {
        subscription.unsubscribe();
        resolve({ data });
      },
      onError: (error) => resolve({ error }),
    });
  });
}

/** The tRPC error's code and the spec's envelope it carries (anything else as it came). */
function errorOf(outcome: unknown): unknown {
  if (!(outcome instanceof TRPCClientError)) return { notATRPCError: outcome };
  const data = (outcome as TRPCClientError<AppRouter>).data as { code?: string; envelope?: unknown } | undefined;
  return { code: data?.code, envelope: data?.envelope };
}

/** An owner with a queued deployment (created over tRPC, one log line) and a second signed-up user. */
async function ownerAndStranger() {
  const owner = await signUp(server, "Owner");
  const stranger = await signUp(server, "Stranger");
  const { id: deploymentId } = await httpClient(owner.accessToken).deployment.create.mutate({
    repository: "https://github.com/acme/private-site",
    buildCommand: "npm run build",
    outputDir: "dist",
  });
  await appendLogs(server.deps.db, deploymentId, [{ level: "info", message: "owner's build line" }]);
  return {
    owner,
    stranger,
    deploymentId,
    notFound: {
      code: "NOT_FOUND",
      envelope: { error: { code: "DEPLOYMENT_NOT_FOUND", message: `Deployment with ID '${deploymentId}' not found`, statusCode: 404, details: {} } },
    },
    /** What the owner sees, to compare before and after the stranger's attempts. */
    ownersView: () => httpClient(owner.accessToken).deployment.get.query({ id: deploymentId }),
  };
}

describe("another user's deployment, over the real transports", () => {
  it("tRPC over HTTP: get, logs, cancel, redeploy and remove answer NOT_FOUND, and nothing changes", async () => {
    const { stranger, deploymentId, notFound, ownersView } = await ownerAndStranger();
    const before = await ownersView();
    expect(before).toMatchObject({ id: deploymentId, status: "queued", cancelRequested: false });
    const client = httpClient(stranger.accessToken);
    // A valid session: the stranger's own list works and is empty.
    expect((await client.deployment.list.query({})).deployments).toEqual([]);
    const input = { id: deploymentId };
    expect(errorOf(await client.deployment.get.query(input).catch((e: unknown) => e))).toEqual(notFound);
    expect(errorOf(await client.deployment.logPage.query(input).catch((e: unknown) => e))).toEqual(notFound);
    expect(errorOf(await client.deployment.cancel.mutate(input).catch((e: unknown) => e))).toEqual(notFound);
    expect(errorOf(await client.deployment.redeploy.mutate(input).catch((e: unknown) => e))).toEqual(notFound);
    expect(errorOf(await client.deployment.remove.mutate(input).catch((e: unknown) => e))).toEqual(notFound);
    expect(await ownersView()).toEqual(before);
  });

  it("tRPC over WebSocket: the stranger's logs and status subscriptions fail with NOT_FOUND while the owner's deliver", async () => {
    const { owner, stranger, deploymentId, notFound, ownersView } = await ownerAndStranger();
    const connect = (accessToken: string) =>
      createWSClient({ url: wsUrl(), WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, connectionParams: { token: accessToken } });
    const ownerWs = connect(owner.accessToken);
    const strangerWs = connect(stranger.accessToken);
    try {
      const mine = createTRPCClient<AppRouter>({ links: [wsLink({ client: ownerWs, transformer: superjson })] });
      const theirs = createTRPCClient<AppRouter>({ links: [wsLink({ client: strangerWs, transformer: superjson })] });
      const input = { deploymentId };

      // The same subscriptions deliver to the owner, so a failure below is about ownership alone.
      expect(await firstOutcome((handlers) => mine.deployment.logs.subscribe(input, handlers))).toEqual({
        data: { id: expect.any(String), data: expect.objectContaining({ message: "owner's build line" }) },
      });
      expect(await firstOutcome((handlers) => mine.deployment.status.subscribe(input, handlers))).toEqual({
        data: expect.objectContaining({ deploymentId, status: "queued" }),
      });

      const logStream = await firstOutcome((handlers) => theirs.deployment.logs.subscribe({ ...input, lastEventId: null }, handlers));
      expect(errorOf("error" in logStream ? logStream.error : logStream)).toEqual(notFound);
      const status = await firstOutcome((handlers) => theirs.deployment.status.subscribe(input, handlers));
      expect(errorOf("error" in status ? status.error : status)).toEqual(notFound);
      // A query on the same socket is refused the same way.
      expect(errorOf(await theirs.deployment.get.query({ id: deploymentId }).catch((e: unknown) => e))).toEqual(notFound);
    } finally {
      await Promise.all([ownerWs.close(), strangerWs.close()]);
    }
    expect(await ownersView()).toMatchObject({ id: deploymentId, status: "queued", cancelRequested: false });
  });

  it("REST over HTTP: GET, logs, cancel, redeploy and DELETE answer 404 in the spec's envelope; the list does not show it", async () => {
    const { owner, stranger, deploymentId, notFound, ownersView } = await ownerAndStranger();
    const before = await ownersView();
    const list = await call<{ deployments: { id: string }[] }>(server, "GET", "/api/deployments", { token: stranger.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.deployments).toEqual([]);
    for (const [method, path] of [
      ["GET", `/api/deployments/${deploymentId}`],
      ["GET", `/api/deployments/${deploymentId}/logs`],
      ["POST", `/api/deployments/${deploymentId}/cancel`],
      ["POST", `/api/deployments/${deploymentId}/redeploy`],
      ["DELETE", `/api/deployments/${deploymentId}`],
    ] as const) {
      const answer = await call<ErrorBody>(server, method, path, { token: stranger.accessToken });
      expect({ route: `${method} ${path}`, status: answer.status, body: answer.body }).toEqual({ route: `${method} ${path}`, status: 404, body: notFound.envelope });
    }
    expect(await ownersView()).toEqual(before);
    const ownersList = await call<{ deployments: { id: string }[] }>(server, "GET", "/api/deployments", { token: owner.accessToken });
    expect(ownersList.body.deployments.map((d) => d.id)).toEqual([deploymentId]);
  });
});

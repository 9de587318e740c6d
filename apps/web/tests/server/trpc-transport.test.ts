import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTRPCClient, createWSClient, httpBatchLink, TRPCClientError, wsLink } from "@trpc/client";
import superjson from "superjson";
import WebSocket from "ws";
import type { AppRouter } from "@autostack/api";
import { signUp, startTestServer, type TestServer } from "./harness.js";

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

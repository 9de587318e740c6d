import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Lookup } from "@autostack/api/services";
import { decide, egressPolicy } from "./egress-policy.js";
import { parseAuthority, startEgressProxy, type EgressProxy } from "./egress-proxy.js";

// The proxy on a real Unix socket, with a real origin server on loopback.
// Loopback is exactly what builds must not reach, so the origin is reached
// only as "origin.test", a name the operator allowed (BUILD_EGRESS_ALLOW_HOSTS).

let dir: string;
let socketPath: string;
let proxy: EgressProxy;
let origin: http.Server;
let originPort: number;
const blocked: string[] = [];
const lookups: string[] = [];

const lookup: Lookup = async (host) => {
  lookups.push(host);
  if (host === "origin.test") return ["127.0.0.1"];
  if (host === "mixed.test") return ["93.184.216.34", "10.0.0.7"];
  if (host === "metadata.test") return ["169.254.169.254"];
  throw new Error("ENOTFOUND");
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "egress-test-"));
  socketPath = path.join(dir, "proxy.sock");
  origin = http.createServer((req, res) => res.end(`${req.method} ${req.url} host=${req.headers.host} proxy-auth=${req.headers["proxy-authorization"] ?? "none"}`));
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  originPort = (origin.address() as AddressInfo).port;
  proxy = await startEgressProxy({ socketPath, policy: egressPolicy(["origin.test"], { lookup }), onBlocked: (target, reason) => blocked.push(`${target} ${reason}`) });
});

afterAll(async () => {
  await proxy?.close();
  await new Promise((resolve) => origin?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** A CONNECT through the proxy: the status line's code, and the tunnel when it was opened. */
function connect(authority: string): Promise<{ status: number; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: "CONNECT", path: authority });
    req.once("connect", (res, socket, head) => {
      let body = head.toString("utf8");
      if (res.statusCode !== 200) {
        socket.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        socket.once("end", () => resolve({ status: res.statusCode ?? 0, body, socket }));
      } else resolve({ status: 200, body, socket });
    });
    req.once("error", reject);
    req.end();
  });
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: "GET", path: url, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once("error", reject);
    req.end();
  });
}

describe("egress proxy", () => {
  it("tunnels CONNECT to an allowed host, to the one address it checked", async () => {
    lookups.length = 0;
    const { status, socket } = await connect(`origin.test:${originPort}`);
    expect(status).toBe(200);
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      socket.once("end", () => resolve(text));
      socket.write("GET /through-tunnel HTTP/1.1\r\nHost: origin.test\r\nConnection: close\r\n\r\n");
    });
    expect(answer).toContain("GET /through-tunnel host=origin.test");
    // One lookup per connection: what was checked is what was connected to (no second resolution to rebind).
    expect(lookups).toEqual(["origin.test"]);
  });

  it("refuses loopback, private and link-local targets in every notation, and says why", async () => {
    blocked.length = 0;
    const targets = ["127.0.0.1:5432", "[::1]:5432", "[::ffff:127.0.0.1]:5432", "169.254.169.254:80", "10.0.0.1:443", "0x7f000001:5432", "2130706433:5432", "metadata.test:80", "mixed.test:443"];
    for (const target of targets) {
      const { status, body } = await connect(target);
      expect(status, target).toBe(403);
      expect(body, target).toMatch(/private, loopback or link-local address/);
    }
    expect(blocked).toHaveLength(targets.length);
    expect(blocked[3]).toBe("169.254.169.254:80 169.254.169.254 is a private, loopback or link-local address");
    expect(blocked.at(-1)).toBe("mixed.test:443 mixed.test resolves to 10.0.0.7, a private, loopback or link-local address");
  });

  it("answers 400 for a CONNECT that is not host:port and 502 for a name that does not resolve", async () => {
    expect((await connect("no-port")).status).toBe(400);
    expect((await connect("user@origin.test:80")).status).toBe(400);
    expect((await connect("origin.test:99999")).status).toBe(400);
    const unknown = await connect("nowhere.test:443");
    expect(unknown.status).toBe(502);
    expect(unknown.body).toContain("nowhere.test does not resolve");
  });

  it("forwards plain http requests to allowed hosts without the proxy's own headers", async () => {
    const answer = await get(`http://origin.test:${originPort}/registry/pkg?x=1`, { "proxy-authorization": "Basic c2VjcmV0" });
    expect(answer).toEqual({ status: 200, body: `GET /registry/pkg?x=1 host=origin.test:${originPort} proxy-auth=none` });
  });

  it("refuses plain http to internal addresses and anything but absolute http URLs", async () => {
    const metadata = await get("http://169.254.169.254/latest/meta-data/");
    expect(metadata.status).toBe(403);
    expect(metadata.body).toContain("169.254.169.254 is a private, loopback or link-local address");
    expect((await get("/relative")).status).toBe(400);
    expect((await get("ftp://origin.test/file")).status).toBe(400);
  });
});

describe("parseAuthority", () => {
  it("reads host:port and bracketed IPv6, nothing else", () => {
    expect(parseAuthority("registry.npmjs.org:443")).toEqual({ host: "registry.npmjs.org", port: 443 });
    expect(parseAuthority("[2606:4700::6810:123]:443")).toEqual({ host: "[2606:4700::6810:123]", port: 443 });
    for (const bad of ["", "host", "host:0", "host:65536", "a/b:443", "[zz]:1", "host:443 extra", "::1:443"]) expect(parseAuthority(bad), bad).toBeNull();
  });
});

describe("decide", () => {
  it("lets public and documentation-range answers pass and an operator's host resolve anywhere", async () => {
    const policy = egressPolicy(["Registry.Internal."], { lookup: async (host) => (host === "registry.internal" ? ["10.1.2.3"] : ["203.0.113.80"]) });
    expect(await decide(policy, "registry.npmjs.org")).toEqual({ allowed: true, address: "203.0.113.80" });
    expect(await decide(policy, "registry.internal")).toEqual({ allowed: true, address: "10.1.2.3" });
    expect(await decide(policy, "8.8.8.8")).toEqual({ allowed: true, address: "8.8.8.8" });
    expect(await decide(policy, "[fd00::1]")).toMatchObject({ allowed: false, status: 403 });
  });
});

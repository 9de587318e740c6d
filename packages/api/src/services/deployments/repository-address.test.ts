import { describe, expect, it } from "vitest";
import { checkRepositoryAddress, isInternalAddress, isNonPublicAddress, pinnedGitConfig, RepositoryAddressError } from "./repository-address.js";
import { parseRepository } from "../../domain/deployments/validation.js";

/** The canonical URL deployment creation stores (the WHATWG parser normalises IPv4 notations). */
function canonical(raw: string): string {
  const parsed = parseRepository(raw);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value.url;
}

const noLookup = async () => {
  throw new Error("no DNS in this test");
};

describe("checkRepositoryAddress", () => {
  const privateNotations = [
    "https://127.0.0.1/acme/site.git",
    "https://0x7f000001/acme/site.git",
    "https://2130706433/acme/site.git",
    "https://127.1/acme/site.git",
    "https://0177.0.0.1/acme/site.git",
    "https://[::1]/acme/site.git",
    "https://[::ffff:127.0.0.1]/acme/site.git",
    "https://[::ffff:7f00:1]/acme/site.git",
    "https://[0:0:0:0:0:0:0:1]/acme/site.git",
    "https://10.0.0.5/acme/site.git",
    "https://172.20.1.1/acme/site.git",
    "https://192.168.1.10:8443/acme/site.git",
    "https://169.254.169.254/latest/meta-data.git",
    "https://[fe80::1]/acme/site.git",
    "https://[fd00::1]/acme/site.git",
    "https://[64:ff9b::a9fe:a9fe]/acme/site.git",
    "https://[2002:a9fe:a9fe::1]/acme/site.git",
    "https://224.0.0.1/acme/site.git",
    "https://0.0.0.0/acme/site.git",
    "https://0/acme/site.git",
    "https://100.64.0.1/acme/site.git",
  ];

  it.each(privateNotations)("refuses %s with a 422 on the repository field", async (raw) => {
    const error = await checkRepositoryAddress(canonical(raw), { allowPrivate: false, lookup: noLookup }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RepositoryAddressError);
    expect((error as RepositoryAddressError).statusCode).toBe(422);
    expect((error as RepositoryAddressError).reason).toMatch(/private, loopback or link-local address/);
  });

  it("refuses a name that resolves to a private address, even among public ones", async () => {
    const lookup = async () => ["140.82.112.3", "10.0.0.7"];
    await expect(checkRepositoryAddress("https://git.example.com/acme/site.git", { allowPrivate: false, lookup })).rejects.toMatchObject({
      reason: "git.example.com resolves to 10.0.0.7, a private, loopback or link-local address: only public hosts can be deployed from",
    });
    await expect(checkRepositoryAddress("https://localhost/acme/site.git", { allowPrivate: false })).rejects.toBeInstanceOf(RepositoryAddressError);
  });

  it("pins a public host to the address it checked", async () => {
    const lookup = async () => ["140.82.112.3", "2606:50c0:8000::153"];
    const pin = await checkRepositoryAddress("https://github.com/acme/site.git", { allowPrivate: false, lookup });
    expect(pin).toEqual({ host: "github.com", port: 443, address: "140.82.112.3" });
    expect(pinnedGitConfig(pin)).toEqual(["-c", "http.followRedirects=false", "-c", "http.curloptResolve=github.com:443:140.82.112.3"]);
    expect(pinnedGitConfig({ host: "h.example", port: 8443, address: "2606:50c0:8000::153" })).toContain("http.curloptResolve=h.example:8443:[2606:50c0:8000::153]");
    expect(await checkRepositoryAddress("https://140.82.112.3/acme/site.git", { allowPrivate: false, lookup: noLookup })).toMatchObject({ address: "140.82.112.3" });
  });

  it("leaves an unresolvable name to the clone at creation, and refuses it where a clone would start", async () => {
    expect(await checkRepositoryAddress("https://nowhere.invalid/acme/site.git", { allowPrivate: false, unresolvedOk: true, lookup: noLookup })).toBeNull();
    await expect(checkRepositoryAddress("https://nowhere.invalid/acme/site.git", { allowPrivate: false, lookup: noLookup })).rejects.toMatchObject({
      reason: "nowhere.invalid does not resolve to an address",
    });
  });

  it("checks nothing with ALLOW_PRIVATE_NETWORK_REPOS or for file:// repositories", async () => {
    expect(await checkRepositoryAddress("https://127.0.0.1/acme/site.git", { allowPrivate: true })).toBeNull();
    expect(await checkRepositoryAddress("file:///srv/repos/site", { allowPrivate: false })).toBeNull();
  });
});

describe("isNonPublicAddress", () => {
  it("knows public from reserved addresses", () => {
    for (const address of ["8.8.8.8", "140.82.112.3", "2606:50c0:8000::153", "2a00:1450:4001::200e", "::ffff:8.8.8.8"]) expect(isNonPublicAddress(address), address).toBe(false);
    for (const address of ["127.0.0.1", "::", "::1", "198.18.0.1", "255.255.255.255", "ff02::1", "2001:db8::1", "not-an-ip"]) expect(isNonPublicAddress(address), address).toBe(true);
  });
});

describe("isInternalAddress", () => {
  it("blocks a network's own machines in every notation, and lets documentation and benchmarking ranges pass", () => {
    const internal = [
      "127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1",
      "0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "::1", "fe80::1", "fd00::1", "fec0::1", "ff02::1",
      "::ffff:127.0.0.1", "::ffff:a9fe:a9fe", "::10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:a00:1::1", "not-an-ip",
    ];
    for (const address of internal) expect(isInternalAddress(address), address).toBe(true);
    const passing = ["8.8.8.8", "203.0.113.80", "198.51.100.7", "192.0.2.1", "198.18.0.1", "2001:db8::1", "2606:50c0:8000::153", "::ffff:203.0.113.80"];
    for (const address of passing) expect(isInternalAddress(address), address).toBe(false);
    // The repository check stays stricter.
    expect(isNonPublicAddress("203.0.113.80")).toBe(true);
  });
});

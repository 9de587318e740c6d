import { describe, expect, it } from "vitest";
import { createDeploymentInput } from "../../schemas/deployment.js";
import { zodIssuesToFields } from "../../errors.js";
import { testEnv } from "../../testing/harness.js";
import { parseEnvVars } from "./env-vars-input.js";
import { newDeploymentSlug, newProjectSlug, DNS_LABEL, slugBase } from "../../services/deployments/slugs.js";
import { formatDuration } from "./status.js";
import { deploymentUrls, siteSlugFromHost } from "../../services/deployments/urls.js";
import { checkBranchName, normalizeRelativePath, parseRepository } from "./validation.js";

function fieldsOf(request: Record<string, unknown>): Record<string, string> {
  const result = createDeploymentInput.safeParse({ repository: "https://github.com/acme/site.git", ...request });
  return result.success ? {} : zodIssuesToFields(result.error.issues);
}

describe("repository", () => {
  it("accepts https URLs and normalises them", () => {
    expect(parseRepository(" https://GitHub.com/acme/My-Site.git/ ")).toEqual({
      ok: true,
      value: { kind: "git", url: "https://github.com/acme/My-Site.git", name: "My-Site" },
    });
    expect(parseRepository("https://example.com/a/b%zz")).toMatchObject({ ok: true, value: { name: "b%zz" } });
    expect(parseRepository("https://git.example.com:8443/group/sub/app")).toMatchObject({ ok: true, value: { url: "https://git.example.com:8443/group/sub/app", name: "app" } });
  });

  it("classifies owner/name and bare names as GitHub, and local paths as local", () => {
    expect(parseRepository("acme/site")).toMatchObject({ ok: true, value: { kind: "github", url: "acme/site", name: "site" } });
    expect(parseRepository("my-awesome-app")).toMatchObject({ ok: true, value: { kind: "github" } });
    expect(parseRepository("file:///srv/repos/my%20site")).toMatchObject({ ok: true, value: { kind: "local", url: "file:///srv/repos/my%20site", name: "my site" } });
    expect(parseRepository("/srv/repos/site/")).toMatchObject({ ok: true, value: { kind: "local", url: "file:///srv/repos/site" } });
  });

  it.each([
    ["http://github.com/a/b", "not supported"],
    ["ssh://git@github.com/a/b", "not supported"],
    ["git://github.com/a/b", "not supported"],
    ["git@github.com:a/b.git", "SSH"],
    ["ext::sh -c touch% /tmp/pwned", "spaces"],
    ["ext::sh", "remote helpers"],
    ["fd::17", "remote helpers"],
    ["--upload-pack=touch /tmp/pwned", "must not start with -"],
    ["-x", "must not start with -"],
    ["https://user:token@github.com/a/b", "credentials"],
    ["https://token@github.com/a/b", "credentials"],
    ["https://github.com/a/b?x=1", "query"],
    ["https://github.com", "repository path"],
    ["file://host/srv/repo", "absolute"],
    ["/srv/../etc", ". or .."],
    ["a/b/c", "owner/name"],
    ["", "required"],
  ])("rejects %j", (value, message) => {
    const result = parseRepository(value);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toContain(message);
  });
});

describe("branch", () => {
  it.each(["main", "feature/login-page", "release-1.2", "fix_#42", "v2.0.0+build"])("accepts %j", (name) => {
    expect(checkBranchName(name)).toBeNull();
  });

  it.each([
    "main; id",
    "$(touch /tmp/pwned)",
    "$(touch${IFS}/tmp/pwned)",
    "`id`",
    "--upload-pack=touch /tmp/pwned",
    "-x",
    "a..b",
    "a~1",
    "a^",
    "a:b",
    "a?",
    "a*",
    "a[b",
    "a\\b",
    "x.lock",
    "dir/x.lock",
    "x/",
    "/x",
    "a//b",
    ".hidden",
    "a/.b",
    "ends.",
    "@",
    "a@{1}",
    "tab\there",
    "a".repeat(101),
    "",
  ])("rejects %j", (name) => {
    expect(checkBranchName(name)).not.toBeNull();
  });
});

describe("relative paths", () => {
  it("normalises ./dist/ to dist and the root to .", () => {
    expect(normalizeRelativePath("./dist/")).toEqual({ ok: true, value: "dist" });
    expect(normalizeRelativePath("apps//web/./build")).toEqual({ ok: true, value: "apps/web/build" });
    expect(normalizeRelativePath("")).toEqual({ ok: true, value: "." });
    expect(normalizeRelativePath("./")).toEqual({ ok: true, value: "." });
  });

  it.each(["../../etc", "dist/../../x", "/etc", "~/x", "a\\b", "-rf", "$(touch /tmp/pwned)", "a b", "a\u0000b", "x".repeat(256)])("rejects %j", (path) => {
    expect(normalizeRelativePath(path).ok).toBe(false);
  });
});

describe("env vars", () => {
  it("parses the spec's text form with comments, blank lines, quotes and = in values", () => {
    const { vars, errors } = parseEnvVars('NODE_ENV=production\n\n# comment\nAPI_URL=https://api.example.com/?a=b\nQUOTED="two words"\r\nEMPTY=');
    expect(errors).toEqual([]);
    expect(vars).toEqual([
      { key: "NODE_ENV", value: "production" },
      { key: "API_URL", value: "https://api.example.com/?a=b" },
      { key: "QUOTED", value: "two words" },
      { key: "EMPTY", value: "" },
    ]);
  });

  it("accepts a list and an object too", () => {
    expect(parseEnvVars([{ key: "A", value: "1" }]).vars).toEqual([{ key: "A", value: "1" }]);
    expect(parseEnvVars({ B: "2" }).vars).toEqual([{ key: "B", value: "2" }]);
  });

  it("names the offending line, index or key, without repeating values", () => {
    const { errors } = parseEnvVars("OK=1\n$(touch /tmp/pwned)=x\nA B=secret-value\n1X=y\nno-equals\nPATH=/bin\nLD_PRELOAD=/x.so\nOK=2");
    expect(Object.fromEntries(errors)).toEqual({
      1: expect.stringContaining("letters, digits and _"),
      2: expect.stringContaining("letters, digits and _"),
      3: expect.stringContaining("letters, digits and _"),
      4: "Line 5: expected KEY=VALUE",
      5: "PATH is reserved by the platform",
      6: "LD_PRELOAD is reserved by the platform",
      7: "OK is defined twice",
    });
    expect(JSON.stringify(errors)).not.toContain("secret-value");
    expect(Object.fromEntries(parseEnvVars([{ key: "ok", value: "" }, { key: "A B", value: "" }]).errors)).toEqual({ 1: expect.any(String) });
  });

  it("limits the count to 100 and the size to 64 KiB", () => {
    const many = Array.from({ length: 101 }, (_, i) => `V${i}=x`).join("\n");
    expect(parseEnvVars(many).errors).toEqual([["", "At most 100 variables"]]);
    expect(parseEnvVars(`BIG=${"x".repeat(65 * 1024)}`).errors).toEqual([["", "At most 64 KiB of variables in total"]]);
  });
});

describe("create input schema", () => {
  it("applies the spec's defaults and normalises", () => {
    const parsed = createDeploymentInput.parse({ repository: "https://github.com/acme/site", envVars: "A=1", outputDir: "./public/" });
    expect(parsed).toEqual({
      repository: "https://github.com/acme/site",
      branch: "main",
      buildCommand: "npm run build",
      installCommand: null,
      outputDir: "public",
      rootDirectory: null,
      envVars: [{ key: "A", value: "1" }],
      spaFallback: false,
      nodeVersion: null,
    });
    expect(createDeploymentInput.parse({ repository: "https://x.io/a/b", buildCommand: "", installCommand: "", rootDirectory: "." })).toMatchObject({
      buildCommand: "",
      installCommand: "",
      rootDirectory: null,
    });
  });

  it("reports each problem on its own field path", () => {
    expect(fieldsOf({ repository: "--upload-pack=x", branch: "main; id", outputDir: "../../etc", rootDirectory: "/etc", envVars: "OK=1\nA B=2" })).toEqual({
      repository: "Repository must not start with -",
      branch: expect.stringContaining("spaces"),
      outputDir: expect.stringContaining("inside the repository"),
      rootDirectory: expect.stringContaining("relative"),
      "envVars.1": expect.stringContaining("letters, digits and _"),
    });
    expect(fieldsOf({ envVars: [{ key: "1X", value: "" }] })).toEqual({ "envVars.0": expect.any(String) });
    expect(fieldsOf({ envVars: { "A B": "x" } })).toEqual({ "envVars.A B": expect.any(String) });
    expect(fieldsOf({ buildCommand: "x".repeat(2001) })).toEqual({ buildCommand: expect.stringContaining("2000") });
    expect(fieldsOf({ buildCommand: "npm run build\u0000" })).toEqual({ buildCommand: expect.stringContaining("control") });
  });
});

describe("slugs and URLs", () => {
  it("makes DNS labels of at most 63 characters", () => {
    expect(slugBase("My_Awesome.App")).toBe("my-awesome-app");
    expect(slugBase("Café--Ünïcode")).toBe("cafe-unicode");
    expect(slugBase("___")).toBe("site");
    const project = newProjectSlug("x".repeat(300));
    const deployment = newDeploymentSlug(project);
    for (const slug of [project, deployment, newProjectSlug("a"), newDeploymentSlug(newProjectSlug("--"))]) {
      expect(slug).toMatch(DNS_LABEL);
      expect(slug.length).toBeLessThanOrEqual(63);
    }
    expect(deployment.startsWith(project)).toBe(true);
  });

  it("builds site URLs from APP_DOMAIN, or under the CDN host when CDN_URL is set", () => {
    const slugs = { deploymentSlug: "site-abc123-k2j9x0ab", projectSlug: "site-abc123" };
    expect(deploymentUrls(testEnv({ PORT: "3000" }), slugs)).toEqual({
      deploymentUrl: "http://site-abc123-k2j9x0ab.localhost:3000",
      productionUrl: "http://site-abc123.localhost:3000",
    });
    expect(deploymentUrls(testEnv({ APP_URL: "https://autostack.app", APP_DOMAIN: "autostack.app" }), slugs).productionUrl).toBe("https://site-abc123.autostack.app");
    expect(deploymentUrls(testEnv({ CDN_URL: "https://cdn.autostack.app/ignored" }), slugs).deploymentUrl).toBe("https://site-abc123-k2j9x0ab.cdn.autostack.app");
  });

  it("finds the slug in a Host header", () => {
    const env = testEnv({ APP_DOMAIN: "autostack.app", CDN_URL: "https://cdn.autostack.app" });
    expect(siteSlugFromHost(env, "Site-ABC.autostack.app")).toBe("site-abc");
    expect(siteSlugFromHost(env, "site-abc.autostack.app:8080")).toBe("site-abc");
    expect(siteSlugFromHost(env, "site-abc.cdn.autostack.app")).toBe("site-abc");
    expect(siteSlugFromHost(env, "autostack.app")).toBeNull();
    expect(siteSlugFromHost(env, "a.b.autostack.app")).toBeNull();
    expect(siteSlugFromHost(testEnv({ PORT: "3000" }), "x.localhost:3000")).toBe("x");
  });

  it("formats durations as the spec shows", () => {
    expect([formatDuration(154), formatDuration(5), formatDuration(3725), formatDuration(null)]).toEqual(["2m 34s", "5s", "1h 2m 5s", null]);
  });
});

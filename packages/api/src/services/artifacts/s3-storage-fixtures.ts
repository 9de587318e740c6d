import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import type { Env } from "../../env.js";
import { createS3Client } from "./index.js";
import { observeCommands, startS3TestServer, type ObservedCall, type S3TestServer } from "./s3-test-server.js";
import type { StoredFile } from "./storage.js";

// What the artifact storage tests (s3-storage*.test.ts) share: an S3 test
// server for each file, a small site built afresh for each test, and readers
// of what was stored. Not for production code.

export const BUCKET = "autostack-artifacts";
export const INDEX_HTML = `<html>${"hello world ".repeat(200)}</html>`;
export const APP_JS = "console.log('autostack');\n".repeat(50_000); // over 1 MiB: brotli at quality 9
export const APP_CSS = "body { margin: 0; padding: 0; color: #333; }\n".repeat(40);

/** The regular files of the site and their bytes (its two symlinks are not uploaded). */
export const SITE_FILES = 6;
export const SITE_BYTES = INDEX_HTML.length + 12 + APP_CSS.length + APP_JS.length + 4096 + 2;

export interface S3Fixture {
  endpoint: string;
  /** The configuration of a deployment that stores artifacts in the test server. */
  env(extra?: Record<string, string>): Env;
  /** A client of the test server that records every command and lets a test hold or fail one. */
  observedClient(intercept?: (call: ObservedCall) => Promise<void> | void): { client: S3Client; calls: ObservedCall[] };
}

/** Runs an S3 test server (s3rver, in this process, on a free port) for the file's tests; read `endpoint` in tests. */
export function useS3TestServer(): S3Fixture {
  let server: S3TestServer | undefined;
  const fixture: S3Fixture = {
    endpoint: "",
    env: (extra = {}) => server!.env(extra),
    observedClient(intercept) {
      const client = createS3Client(fixture.env());
      return { client, calls: observeCommands(client, intercept) };
    },
  };
  beforeAll(async () => {
    server = await startS3TestServer(BUCKET);
    fixture.endpoint = server.endpoint;
  });
  afterAll(() => server?.close());
  return fixture;
}

export interface SiteDirectory {
  /** A temporary directory of the running test. */
  dir: string;
  /** The site under `dir`: SITE_FILES regular files, a symlink out of the site and one to a directory in it. */
  source: string;
}

/** Builds the site afresh in a new temporary directory before each test, and removes it after. */
export function useSiteDirectory(): SiteDirectory {
  const site: SiteDirectory = { dir: "", source: "" };
  beforeEach(async () => {
    site.dir = await mkdtemp(path.join(tmpdir(), "autostack-artifacts-"));
    const source = (site.source = path.join(site.dir, "site"));
    await mkdir(path.join(source, "about"), { recursive: true });
    await mkdir(path.join(source, "assets", "js"), { recursive: true });
    await writeFile(path.join(source, "index.html"), INDEX_HTML);
    await writeFile(path.join(source, "about", "index.html"), "<p>small</p>");
    await writeFile(path.join(source, "assets", "app.css"), APP_CSS);
    await writeFile(path.join(source, "assets", "js", "app.js"), APP_JS);
    await writeFile(path.join(source, "logo.png"), Buffer.alloc(4096, 7));
    await writeFile(path.join(source, "manifest.json"), "{}");
    await symlink("/etc/passwd", path.join(source, "passwd"));
    await symlink(path.join(source, "about"), path.join(source, "alias"));
  });
  afterEach(async () => {
    await rm(site.dir, { recursive: true, force: true });
  });
  return site;
}

let keys = 0;

/** A fresh key per test: all tests of a file share one bucket. */
export function newKey(): string {
  keys += 1;
  return `dep${keys}`;
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The decoded content of a read file, after checking that `size` is the size of its body. */
export async function content(file: StoredFile | null): Promise<string> {
  expect(file).not.toBeNull();
  const body = await readAll(file!.body);
  expect(file!.size).toBe(body.length);
  if (file!.encoding === "br") return brotliDecompressSync(body).toString();
  if (file!.encoding === "gzip") return gunzipSync(body).toString();
  return body.toString();
}

export async function listKeys(client: S3Client, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    for (const object of page.Contents ?? []) keys.push(object.Key!);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

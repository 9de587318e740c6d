import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../env.js";
import { createArtifactStorage, createS3Client } from "./index.js";
import { BUCKET, listKeys, newKey, useS3TestServer, useSiteDirectory } from "./s3-storage-fixtures.js";
import { createS3ArtifactStorage } from "./s3-storage.js";

// S3 artifact storage as configured (s3-storage.test.ts has the rest): when it
// is chosen, what configuration it accepts, and that a wrong bucket or access
// key fails loudly rather than reading as a missing file.

const server = useS3TestServer();
const site = useSiteDirectory();

function testEnv(extra: Record<string, string> = {}) {
  return parseEnv({ DATABASE_URL: "postgresql://unused/db", JWT_SECRET: "x".repeat(32), ...extra });
}

describe("S3 artifact storage", () => {
  it("propagates errors other than a missing object", async () => {
    const storage = createS3ArtifactStorage({ client: createS3Client(server.env()), bucket: "no-such-bucket" });
    await expect(storage.readFile("dep", "index.html", [])).rejects.toThrow(/bucket/i);
    await expect(storage.uploadDirectory("dep", site.source)).rejects.toThrow(/bucket/i);
    // (s3rver does not check version 4 signatures, only that the access key exists.)
    const unknownKey = createS3ArtifactStorage({ client: createS3Client(server.env({ AWS_ACCESS_KEY_ID: "UNKNOWN" })), bucket: BUCKET });
    await expect(unknownKey.readFile("dep", "index.html", [])).rejects.toThrow(/access key/i);
  });

  it("is chosen by createArtifactStorage when S3_BUCKET is set, local storage otherwise", async () => {
    const key = newKey();
    await createArtifactStorage(server.env({ DATA_DIR: site.dir })).uploadDirectory(key, site.source);
    expect(await listKeys(createS3Client(server.env()), `${key}/`)).toContain(`${key}/manifest.json`);
    expect(await createArtifactStorage(testEnv({ DATA_DIR: site.dir })).readFile(key, "index.html", [])).toBeNull();

    await createArtifactStorage(testEnv({ DATA_DIR: site.dir })).uploadDirectory(key, site.source);
    expect(await readFile(path.join(site.dir, "artifacts", key, "manifest.json"), "utf8")).toContain("index.html");
  });
});

describe("S3 configuration", () => {
  it("accepts a bucket with an endpoint, region and credentials", () => {
    const env = server.env({ S3_REGION: "eu-central-1" });
    expect(env).toMatchObject({ S3_BUCKET: BUCKET, S3_ENDPOINT: server.endpoint, S3_FORCE_PATH_STYLE: true, S3_REGION: "eu-central-1" });
    expect(testEnv({ S3_BUCKET: "my.site-artifacts" })).toMatchObject({ S3_BUCKET: "my.site-artifacts", S3_REGION: "us-east-1", S3_FORCE_PATH_STYLE: false });
    expect(testEnv({ S3_BUCKET: "" }).S3_BUCKET).toBeUndefined();
  });

  it("rejects half-set credentials, an endpoint without a bucket and malformed bucket names", () => {
    expect(() => testEnv({ S3_BUCKET: BUCKET, AWS_ACCESS_KEY_ID: "key" })).toThrow(
      "Invalid configuration: AWS_SECRET_ACCESS_KEY must be set together with AWS_ACCESS_KEY_ID",
    );
    expect(() => testEnv({ S3_BUCKET: BUCKET, AWS_SECRET_ACCESS_KEY: "secret" })).toThrow(
      "Invalid configuration: AWS_ACCESS_KEY_ID must be set together with AWS_SECRET_ACCESS_KEY",
    );
    expect(() => testEnv({ S3_ENDPOINT: "http://127.0.0.1:9000" })).toThrow("Invalid configuration: S3_BUCKET is required when S3_ENDPOINT is set");
    expect(() => testEnv({ S3_BUCKET: "My_Bucket" })).toThrow("Invalid configuration: S3_BUCKET must be a bucket name");
    expect(() => testEnv({ S3_BUCKET: "ab" })).toThrow(/S3_BUCKET must be a bucket name/);
    expect(() => testEnv({ S3_BUCKET: BUCKET, S3_ENDPOINT: "not a url" })).toThrow(/S3_ENDPOINT/);
  });
});

import crypto from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { parseEnv, type Env } from "../../env.js";

// A real S3 server for tests (s3rver, in the test's process, on a free port,
// its objects in a temporary directory). Not for production code.

// s3rver 3.7.1 encrypts ListObjectsV2 continuation tokens with single DES,
// which OpenSSL 3 (Node >= 17) has only in its legacy provider: a listing that
// continues fails with ERR_OSSL_EVP_UNSUPPORTED. Two-key triple DES with equal
// halves is the same cipher, so "des" is routed there while the server runs.
const { createCipheriv, createDecipheriv } = crypto;
function singleDesAsTripleDes<F extends (...args: never[]) => unknown>(create: F): F {
  return ((algorithm: string, key: Buffer, ...rest: unknown[]) =>
    algorithm === "des"
      ? Reflect.apply(create, crypto, ["des-ede-cbc", Buffer.concat([key, key]), ...rest])
      : Reflect.apply(create, crypto, [algorithm, key, ...rest])) as unknown as F;
}

export interface S3TestServer {
  endpoint: string;
  /** A configuration that stores artifacts in `bucket` of this server (s3rver's own credentials). */
  env(extra?: Record<string, string>): Env;
  close(): Promise<void>;
}

export async function startS3TestServer(bucket: string): Promise<S3TestServer> {
  Object.assign(crypto, { createCipheriv: singleDesAsTripleDes(createCipheriv), createDecipheriv: singleDesAsTripleDes(createDecipheriv) });
  const directory = await mkdtemp(path.join(tmpdir(), "autostack-s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    env: (extra = {}) =>
      parseEnv({
        DATABASE_URL: "postgresql://unused/db",
        JWT_SECRET: "x".repeat(32),
        S3_BUCKET: bucket,
        S3_ENDPOINT: endpoint,
        S3_FORCE_PATH_STYLE: "true",
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        ...extra,
      }),
    async close() {
      await server.close();
      Object.assign(crypto, { createCipheriv, createDecipheriv });
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export type ObservedCall = { command: string; key?: string; objects?: number };

/** Records every command `client` sends; `intercept` runs before each is sent, so a test can hold or fail one. */
export function observeCommands(client: S3Client, intercept?: (call: ObservedCall) => Promise<void> | void): ObservedCall[] {
  const calls: ObservedCall[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string; Delete?: { Objects?: unknown[] } };
      const call: ObservedCall = { command: context.commandName ?? "", ...(input.Key ? { key: input.Key } : {}), ...(input.Delete?.Objects ? { objects: input.Delete.Objects.length } : {}) };
      calls.push(call);
      await intercept?.(call);
      return next(args);
    },
    { step: "initialize", name: "observeCommands" },
  );
  return calls;
}

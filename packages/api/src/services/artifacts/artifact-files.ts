import { createHash } from "node:crypto";
import { opendir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import type { ContentEncoding, UploadResult } from "./storage.js";

// What every artifact storage shares, so that a site is served identically
// whatever stores it: the key and path rules, which files are uploaded, which
// precompressed variants exist and the manifest (size, etag and encodings of
// every original file) that readers consult before touching a file.

export interface ManifestEntry {
  size: number;
  /** SHA-256 of the original content, hex. */
  etag: string;
  encodings: ContentEncoding[];
}

/** Artifact-relative path → entry. A file exists in an artifact iff its manifest lists it. */
export type Manifest = Record<string, ManifestEntry>;

export const MANIFEST = "manifest.json";
/** Name suffix of each precompressed variant, next to its original. */
export const ENCODING_SUFFIX: Record<ContentEncoding, string> = { br: ".br", gzip: ".gz" };

const COMPRESSIBLE = new Set([".html", ".htm", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml", ".map"]);
const MIN_COMPRESS_BYTES = 1024;
const KEY_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function isArtifactKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

export function checkArtifactKey(key: string): void {
  if (!isArtifactKey(key)) throw new Error(`invalid artifact key: ${JSON.stringify(key)}`);
}

/** The artifact-relative path, or null when it is empty or escapes the artifact. */
export function normaliseArtifactPath(input: string): string | null {
  if (input.includes("\0") || input.includes("\\")) return null;
  const normalised = path.posix.normalize(`/${input}`).slice(1);
  if (!normalised || normalised.endsWith("/")) return null;
  if (normalised.split("/").some((part) => part === ".." || part === "")) return null;
  return normalised;
}

/** The normalised path that a read of `filePath` in artifact `key` refers to, or null when either is invalid. */
export function artifactFilePath(key: string, filePath: string): string | null {
  return isArtifactKey(key) ? normaliseArtifactPath(filePath) : null;
}

/** The manifest's entry for an already normalised path (never an inherited property). */
export function manifestEntry(manifest: Manifest, relative: string): ManifestEntry | undefined {
  return Object.hasOwn(manifest, relative) ? manifest[relative] : undefined;
}

/** The stored variants of `entry` the client accepts, in the client's order of preference. */
export function acceptedVariants(entry: ManifestEntry, accept: readonly ContentEncoding[]): ContentEncoding[] {
  return accept.filter((encoding) => entry.encodings.includes(encoding));
}

export function uploadSummary(manifest: Manifest): UploadResult {
  const entries = Object.values(manifest);
  return { files: entries.length, bytes: entries.reduce((sum, entry) => sum + entry.size, 0) };
}

export interface PreparedFile {
  /** Path below the uploaded directory, with "/" separators. */
  relative: string;
  content: Buffer;
  entry: ManifestEntry;
  /** Precompressed variants, only those smaller than `content`, in `entry.encodings` order. */
  variants: Array<{ encoding: ContentEncoding; body: Buffer }>;
}

async function* regularFiles(dir: string, prefix = ""): AsyncGenerator<[string, string]> {
  for await (const entry of await opendir(dir)) {
    const full = path.join(dir, entry.name);
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) yield* regularFiles(full, relative);
    else if (entry.isFile()) yield [full, relative];
  }
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

// zlib's asynchronous forms run on libuv's thread pool: a worker compressing a
// large bundle keeps answering its heartbeats and cancel polls meanwhile
// (ADR 0009), instead of stalling its event loop for seconds.
const COMPRESSORS: Record<ContentEncoding, (content: Buffer) => Promise<Buffer>> = {
  br: (content) =>
    brotliAsync(content, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: content.length > 1024 * 1024 ? 9 : 11,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
  gzip: (content) => gzipAsync(content, { level: 9 }),
};

/** The variants worth storing; none where the site has its own file of the variant's name (e.g. app.js.br). */
async function compress(content: Buffer, relative: string, taken: ReadonlySet<string>): Promise<PreparedFile["variants"]> {
  if (content.length < MIN_COMPRESS_BYTES || !COMPRESSIBLE.has(path.extname(relative).toLowerCase())) return [];
  const encodings = (["br", "gzip"] as const).filter((encoding) => !taken.has(relative + ENCODING_SUFFIX[encoding]));
  const variants = await Promise.all(encodings.map(async (encoding) => ({ encoding, body: await COMPRESSORS[encoding](content) })));
  return variants.filter((variant) => variant.body.length < content.length);
}

/**
 * Every regular file below `dir` (symlinks are skipped, not followed) with its
 * manifest entry and precompressed variants, one at a time: a consumer that
 * awaits between files holds only the files it is working on in memory.
 */
export async function* prepareFiles(dir: string): AsyncGenerator<PreparedFile> {
  const files: Array<[string, string]> = [];
  for await (const file of regularFiles(path.resolve(dir))) files.push(file);
  const taken = new Set(files.map(([, relative]) => relative));
  for (const [source, relative] of files) {
    const content = await readFile(source);
    const variants = await compress(content, relative, taken);
    const etag = createHash("sha256").update(content).digest("hex");
    yield { relative, content, entry: { size: content.length, etag, encodings: variants.map((v) => v.encoding) }, variants };
  }
}

import type { Readable } from "node:stream";
import type { ArtifactStorage, ContentEncoding } from "../artifacts/storage.js";

// Site files in memory. An artifact never changes once its deployment has
// succeeded (a new deployment gets a new key), so what the store answers for
// (key, path, accepted encodings) can be kept until memory is needed for
// something else: small files as buffers (least recently used evicted first,
// bounded in bytes), missing files as misses, large (or empty) files only as
// "large" (they are streamed from the store each time). Concurrent first requests
// for one file share one read.

export interface SiteFileMeta {
  /** Bytes of the body (the encoded size when `encoding` is set). */
  size: number;
  /** Strong validator of the file's original content. */
  etag: string;
  encoding?: ContentEncoding;
}

/** A file from memory, or (above `maxFileBytes`) a stream from the store for this one response. */
export type SiteFile = SiteFileMeta & ({ buffer: Buffer; stream?: undefined } | { stream: Readable; buffer?: undefined });

export interface SiteFileCacheOptions {
  /** Total bytes of file content kept in memory (default 64 MiB). */
  maxBytes?: number;
  /** Larger files are not kept, they are streamed (default 1 MiB). */
  maxFileBytes?: number;
}

export interface SiteFileCache {
  read(key: string, path: string, accept: readonly ContentEncoding[]): Promise<SiteFile | null>;
  /**
   * What `read` would answer, when it is in memory already (a file held as a
   * buffer, or a known miss); undefined when `read` has work to do.
   */
  peek(key: string, path: string, accept: readonly ContentEncoding[]): SiteFile | null | undefined;
  /** Bytes of file content held now. */
  readonly bytes: number;
  /** Entries (files, misses and large-file markers) held now. */
  readonly size: number;
  clear(): void;
}

const LARGE = Symbol("large");
/** Bookkeeping per entry (key strings, the map slot, metadata), so that many misses count too. */
const ENTRY_OVERHEAD = 256;

type Cached = (SiteFileMeta & { buffer: Buffer }) | null | typeof LARGE;

interface Entry {
  value: Promise<Cached>;
  /** The settled value (undefined while the read runs). */
  settled?: Cached;
  bytes: number;
}

function entryId(key: string, path: string, accept: readonly ContentEncoding[]): string {
  return `${key}\0${path}\0${accept.length === 0 ? "" : accept.length === 1 ? accept[0] : accept.join(",")}`;
}

async function readAll(stream: Readable, size: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    length += buffer.length;
  }
  if (length !== size) throw new Error(`artifact file changed while read: expected ${size} bytes, got ${length}`);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

export function createSiteFileCache(storage: Pick<ArtifactStorage, "readFile">, options: SiteFileCacheOptions = {}): SiteFileCache {
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxFileBytes = Math.min(options.maxFileBytes ?? 1024 * 1024, maxBytes);
  // A Map iterates in insertion order: re-inserting on a hit keeps the least
  // recently used entry first.
  const entries = new Map<string, Entry>();
  let bytes = 0;

  function evict(): void {
    for (const [id, entry] of entries) {
      if (bytes <= maxBytes) return;
      entries.delete(id);
      bytes -= entry.bytes;
    }
  }

  function remove(id: string, entry: Entry): void {
    if (entries.get(id) !== entry) return;
    entries.delete(id);
    bytes -= entry.bytes;
  }

  async function load(key: string, path: string, accept: readonly ContentEncoding[]): Promise<Cached> {
    const stored = await storage.readFile(key, path, accept);
    if (!stored) return null;
    // Kept only when the store vouches for a size within the limit (an empty
    // or unknown size is streamed: it costs nothing, and nothing unbounded is buffered).
    if (!(stored.size > 0 && stored.size <= maxFileBytes)) {
      stored.body.destroy();
      return LARGE;
    }
    const buffer = await readAll(stored.body, stored.size);
    return { buffer, size: buffer.length, etag: stored.etag, ...(stored.encoding ? { encoding: stored.encoding } : {}) };
  }

  return {
    async read(key, path, accept) {
      const id = entryId(key, path, accept);
      let entry = entries.get(id);
      if (entry) {
        entries.delete(id);
        entries.set(id, entry);
      } else {
        const created: Entry = { value: load(key, path, accept), bytes: ENTRY_OVERHEAD };
        entry = created;
        entries.set(id, created);
        bytes += created.bytes;
        created.value.then(
          (cached) => {
            created.settled = cached;
            if (entries.get(id) !== created || !cached || cached === LARGE) return;
            created.bytes += cached.buffer.length;
            bytes += cached.buffer.length;
            evict();
          },
          // A failed read (a store outage) is not remembered: the next request tries again.
          () => remove(id, created),
        );
        evict();
      }
      const cached = await entry.value;
      if (cached !== LARGE) return cached;
      const stored = await storage.readFile(key, path, accept);
      if (!stored) return null;
      return { stream: stored.body, size: stored.size, etag: stored.etag, ...(stored.encoding ? { encoding: stored.encoding } : {}) };
    },
    peek(key, path, accept) {
      const id = entryId(key, path, accept);
      const entry = entries.get(id);
      if (!entry || entry.settled === undefined || entry.settled === LARGE) return undefined;
      entries.delete(id);
      entries.set(id, entry);
      return entry.settled;
    },
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
      bytes = 0;
    },
  };
}

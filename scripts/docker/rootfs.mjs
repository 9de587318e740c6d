// An in-memory model of a root file system plus a streaming tar writer for it.
// Host files are referenced, not copied: the tar is produced straight from the
// host paths, so no staging directory (and no chown of a staging directory) is
// needed, and every entry gets exactly the owner and mode we choose.
import fs from "node:fs";
import path from "node:path";

const BLOCK = 512;
const ROOT = { uid: 0, gid: 0 };

export class RootFs {
  /** @type {Map<string, {type: "dir"|"file"|"symlink"|"hardlink", mode: number, uid: number, gid: number, mtime: number, source?: string, content?: Buffer, target?: string, size?: number}>} */
  entries = new Map();
  #inodes = new Map(); // "dev:ino" of host files → image path, for hard links

  /** Resolves the parent directories of `imagePath` through the image's own symlinks, creating missing ones. */
  #place(imagePath) {
    const parts = path.posix.normalize(imagePath).split("/").filter(Boolean);
    const name = parts.pop();
    let dir = "/";
    for (let hops = 0; parts.length > 0; ) {
      const next = path.posix.join(dir, parts.shift());
      const entry = this.entries.get(next);
      if (entry?.type === "symlink") {
        if (++hops > 40) throw new Error(`symlink loop at ${next}`);
        const resolved = path.posix.resolve(dir, entry.target);
        parts.unshift(...resolved.split("/").filter(Boolean));
        dir = "/";
        continue;
      }
      if (!entry) this.entries.set(next, { type: "dir", mode: 0o755, ...ROOT, mtime: now() });
      else if (entry.type !== "dir") throw new Error(`${next} is not a directory in the image`);
      dir = next;
    }
    return path.posix.join(dir, name);
  }

  dir(imagePath, { mode = 0o755, uid = 0, gid = 0 } = {}) {
    const at = this.#place(imagePath);
    this.entries.set(at, { type: "dir", mode, uid, gid, mtime: now() });
    return at;
  }

  file(imagePath, content, { mode = 0o644, uid = 0, gid = 0 } = {}) {
    const at = this.#place(imagePath);
    this.entries.set(at, { type: "file", mode, uid, gid, mtime: now(), content: Buffer.from(content) });
    return at;
  }

  symlink(imagePath, target) {
    const at = this.#place(imagePath);
    this.entries.set(at, { type: "symlink", mode: 0o777, ...ROOT, mtime: now(), target });
    return at;
  }

  has(imagePath) {
    try {
      return this.entries.has(this.#place(imagePath));
    } catch {
      return false;
    }
  }

  /**
   * Mirrors a host path at the same place in the image, symlinks included
   * (for /lib64 → usr/lib64 style layouts both the link and its target come
   * along). Everything is owned by root and loses set-id bits.
   */
  addHost(hostPath, { recursive = false } = {}) {
    const parts = path.resolve(hostPath).split("/").filter(Boolean);
    let dir = "/";
    for (let hops = 0; parts.length > 0; ) {
      const current = path.posix.join(dir, parts.shift());
      const stat = fs.lstatSync(current);
      const last = parts.length === 0;
      if (stat.isSymbolicLink()) {
        const target = fs.readlinkSync(current);
        if (!this.entries.has(current)) this.entries.set(current, { type: "symlink", mode: 0o777, ...ROOT, mtime: stat.mtimeMs / 1000, target });
        if (++hops > 40) throw new Error(`symlink loop at ${current}`);
        const resolved = path.posix.resolve(dir, target);
        if (last && !fs.existsSync(resolved)) return; // dangling on the host too
        parts.unshift(...resolved.split("/").filter(Boolean));
        dir = "/";
        continue;
      }
      if (stat.isDirectory()) {
        if (!this.entries.has(current)) this.entries.set(current, { type: "dir", mode: stat.mode & 0o1777, ...ROOT, mtime: stat.mtimeMs / 1000 });
        if (last && recursive) {
          for (const child of fs.readdirSync(current)) this.addHost(path.posix.join(current, child), { recursive });
        }
        dir = current;
        continue;
      }
      if (!last) throw new Error(`${current} is not a directory`);
      if (!stat.isFile() || this.entries.has(current)) return; // sockets, fifos, devices: never needed here
      const inode = `${stat.dev}:${stat.ino}`;
      const first = stat.nlink > 1 ? this.#inodes.get(inode) : undefined;
      if (first) {
        this.entries.set(current, { type: "hardlink", mode: stat.mode & 0o777, ...ROOT, mtime: stat.mtimeMs / 1000, target: first });
      } else {
        this.#inodes.set(inode, current);
        this.entries.set(current, { type: "file", mode: stat.mode & 0o1777, ...ROOT, mtime: stat.mtimeMs / 1000, source: current, size: stat.size });
      }
    }
  }

  /** Total bytes of file content (for the summary line). */
  contentBytes() {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.content?.length ?? entry.size ?? 0;
    return total;
  }

  /** Yields the tar archive (ustar + PAX for long names) as Buffers. */
  async *tar() {
    for (const [imagePath, entry] of this.entries) {
      const name = imagePath.slice(1) + (entry.type === "dir" ? "/" : "");
      if (entry.type === "file" && entry.source) {
        // Sized from a fresh stat: a file that changed since addHost must not corrupt the archive.
        const size = fs.statSync(entry.source).size;
        yield* header(name, { ...entry, size });
        let written = 0;
        if (size > 0) {
          for await (const chunk of fs.createReadStream(entry.source, { end: size - 1, highWaterMark: 1 << 20 })) {
            written += chunk.length;
            yield chunk;
          }
        }
        if (written !== size) throw new Error(`${entry.source} changed while archiving`);
        yield padding(size);
      } else if (entry.type === "file") {
        yield* header(name, { ...entry, size: entry.content.length });
        yield entry.content;
        yield padding(entry.content.length);
      } else {
        const linkTarget = entry.type === "hardlink" ? entry.target.slice(1) : entry.target;
        yield* header(name, { ...entry, size: 0, linkTarget });
      }
    }
    yield Buffer.alloc(BLOCK * 2); // end-of-archive marker
  }
}

const now = () => Math.floor(Date.now() / 1000);
const padding = (size) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
const TYPEFLAG = { file: "0", hardlink: "1", symlink: "2", dir: "5" };

function* header(name, { type, mode, uid, gid, mtime, size, linkTarget = "" }) {
  // Names or link targets over 100 bytes go into a PAX extended header first.
  const pax = [];
  if (Buffer.byteLength(name) > 100) pax.push(["path", name]);
  if (Buffer.byteLength(linkTarget) > 100) pax.push(["linkpath", linkTarget]);
  if (pax.length > 0) {
    const body = Buffer.from(pax.map(([key, value]) => paxRecord(key, value)).join(""));
    yield ustar("PaxHeader", { typeflag: "x", mode: 0o644, uid: 0, gid: 0, mtime, size: body.length, linkTarget: "" });
    yield body;
    yield padding(body.length);
  }
  yield ustar(name, { typeflag: TYPEFLAG[type], mode, uid, gid, mtime, size, linkTarget });
}

function paxRecord(key, value) {
  // "<length> key=value\n" where length counts itself.
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest) + 1;
  while (String(length).length + Buffer.byteLength(rest) !== length) length = String(length).length + Buffer.byteLength(rest);
  return `${length}${rest}`;
}

function ustar(name, { typeflag, mode, uid, gid, mtime, size, linkTarget }) {
  const block = Buffer.alloc(BLOCK);
  // Buffer#write never writes past `length` nor half a character.
  const put = (offset, length, value) => block.write(value, offset, length, "utf8");
  const octal = (offset, length, value) => put(offset, length, Math.floor(value).toString(8).padStart(length - 1, "0") + "\0");
  put(0, 100, name);
  octal(100, 8, mode);
  octal(108, 8, uid);
  octal(116, 8, gid);
  octal(124, 12, size);
  octal(136, 12, mtime);
  put(148, 8, "        "); // checksum is computed with this field as spaces
  put(156, 1, typeflag);
  put(157, 100, linkTarget);
  put(257, 6, "ustar\0");
  put(263, 2, "00");
  put(265, 32, uid === 0 ? "root" : "");
  put(297, 32, gid === 0 ? "root" : "");
  let sum = 0;
  for (const byte of block) sum += byte;
  put(148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

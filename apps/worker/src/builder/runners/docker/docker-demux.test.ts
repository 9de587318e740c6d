import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { demultiplex } from "./docker-demux.js";

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

function collector(): { sink: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { sink: new Writable({ write: (chunk: Buffer, _e, done) => (chunks.push(chunk), done()) }), text: () => Buffer.concat(chunks).toString() };
}

describe("demultiplex", () => {
  it("splits the engine's frames into stdout and stderr, across chunk boundaries", async () => {
    const source = new PassThrough();
    const out = collector();
    const err = collector();
    const sink = demultiplex(source, out.sink, err.sink);
    const bytes = Buffer.concat([frame(1, "hello "), frame(2, "oops\n"), frame(1, "world\n")]);
    for (let i = 0; i < bytes.length; i += 3) source.write(bytes.subarray(i, i + 3));
    source.end();
    await new Promise((resolve) => sink.on("finish", resolve));
    expect(out.text()).toBe("hello world\n");
    expect(err.text()).toBe("oops\n");
  });

  it("stops reading the source while a target is behind, and goes on when it drains", async () => {
    const source = new PassThrough({ highWaterMark: 1024 });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _e, done) {
        written += chunk.length;
        void released.then(() => done());
      },
    });
    const sink = demultiplex(source, slow, collector().sink);
    let accepted = 0;
    const payload = "x".repeat(1000);
    // Counts every frame written, the one whose write() said "enough" included.
    while (accepted < 10_000 && (accepted++, source.write(frame(1, payload))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A few KB in the pipes, not the 10 MB a writer ignoring backpressure would take.
    expect(accepted).toBeLessThan(100);
    expect(written).toBeLessThan(10_000);
    release();
    source.end();
    await new Promise((resolve) => sink.on("finish", resolve));
    expect(written).toBe(accepted * 1000);
  });
});

import { describe, expect, it } from "vitest";
import type { Database } from "@autostack/db";
import { createSiteResolver } from "./resolve.js";

// The slug → deployment cache: no query per request, and a production switch
// visible once the TTL has passed (the bound on how late it shows).

function fakeDatabase() {
  const state = { artifactKey: "dep1", queries: 0, fail: false };
  const db = {
    project: {
      findUnique: async () => {
        state.queries += 1;
        if (state.fail) throw new Error("database unavailable");
        return { spaFallback: false, productionDeployment: { status: "success", artifactKey: state.artifactKey } };
      },
    },
    deployment: { findUnique: async () => null },
  } as unknown as Database;
  return { db, state };
}

describe("site resolver", () => {
  it("answers from memory within the TTL and sees a production switch after it", async () => {
    const { db, state } = fakeDatabase();
    let clock = 1_000_000;
    const resolve = createSiteResolver(db, 2000, () => clock);
    expect(resolve.peek("blog")).toBeUndefined();
    expect(await resolve("blog")).toEqual({ artifactKey: "dep1", spaFallback: false });
    expect(resolve.peek("blog")).toEqual({ artifactKey: "dep1", spaFallback: false });

    state.artifactKey = "dep2"; // the production deployment changes
    clock += 1999;
    expect(await resolve("blog")).toEqual({ artifactKey: "dep1", spaFallback: false });
    expect(state.queries).toBe(1);

    clock += 1;
    expect(resolve.peek("blog")).toBeUndefined();
    expect(await resolve("blog")).toEqual({ artifactKey: "dep2", spaFallback: false });
    expect(resolve.peek("blog")?.artifactKey).toBe("dep2");
    expect(state.queries).toBe(2);
  });

  it("shares one lookup between concurrent requests and forgets a failed one", async () => {
    const { db, state } = fakeDatabase();
    const resolve = createSiteResolver(db, 2000);
    await Promise.all([resolve("blog"), resolve("blog"), resolve("blog")]);
    expect(state.queries).toBe(1);

    const other = createSiteResolver(db, 2000);
    state.fail = true;
    await expect(other("blog")).rejects.toThrow("database unavailable");
    state.fail = false;
    expect(await other("blog")).toEqual({ artifactKey: "dep1", spaFallback: false });
  });

  it("refreshes an answer in its second half of life in the background, so a busy slug never expires", async () => {
    const { db, state } = fakeDatabase();
    let clock = 1_000_000;
    const resolve = createSiteResolver(db, 2000, () => clock);
    await resolve("blog");
    clock += 999;
    expect(resolve.peek("blog")?.artifactKey).toBe("dep1");
    expect(state.queries).toBe(1); // still in its first half: no refresh

    state.artifactKey = "dep2";
    clock += 1; // half the TTL: the answer is still served, and looked up again
    expect(resolve.peek("blog")?.artifactKey).toBe("dep1");
    expect(resolve.peek("blog")?.artifactKey).toBe("dep1");
    expect(state.queries).toBe(2); // one refresh, not one per peek
    await new Promise((r) => setImmediate(r));
    expect(resolve.peek("blog")?.artifactKey).toBe("dep2");

    // The refreshed answer is dated from its lookup: it too expires one TTL later, never more.
    clock += 1999;
    expect(resolve.peek("blog")?.artifactKey).toBe("dep2");
    await new Promise((r) => setImmediate(r));
    clock += 1;
    expect(resolve.peek("blog")?.artifactKey).toBe("dep2"); // the refresh started at +1999 is fresh
  });

  it("lets an answer expire when its refresh fails", async () => {
    const { db, state } = fakeDatabase();
    let clock = 1_000_000;
    const resolve = createSiteResolver(db, 2000, () => clock);
    await resolve("blog");
    state.fail = true;
    clock += 1500;
    expect(resolve.peek("blog")?.artifactKey).toBe("dep1");
    await new Promise((r) => setImmediate(r));
    expect(resolve.peek("blog")?.artifactKey).toBe("dep1");
    expect(state.queries).toBe(2); // no retry per peek
    clock += 500;
    expect(resolve.peek("blog")).toBeUndefined();
    await expect(resolve("blog")).rejects.toThrow("database unavailable");
  });
});

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
});

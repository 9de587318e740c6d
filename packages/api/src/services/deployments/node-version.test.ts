import { describe, expect, it } from "vitest";
import { DEFAULT_NODE_MAJOR, NODE_MAJORS, resolveNodeMajor } from "./node-version.js";

describe("resolveNodeMajor", () => {
  it("uses the project's setting over anything package.json says", () => {
    expect(resolveNodeMajor("18", ">=22")).toEqual({ major: "18", reason: "from the project settings" });
    expect(resolveNodeMajor("22", undefined).major).toBe("22");
  });

  it("picks the newest supported major that engines.node allows", () => {
    expect(resolveNodeMajor(null, ">=18").major).toBe("22");
    expect(resolveNodeMajor(null, "^20.19.0 || >=22.12.0").major).toBe("22");
    expect(resolveNodeMajor(null, ">=20.9.0 <22").major).toBe("20");
    expect(resolveNodeMajor(null, "18.x")).toEqual({ major: "18", reason: "from engines.node (18.x)" });
    expect(resolveNodeMajor(null, "16 - 20").major).toBe("20");
    expect(resolveNodeMajor(null, "~22.1").major).toBe("22");
    expect(resolveNodeMajor(null, "*").major).toBe("22");
  });

  it("falls back to Node.js 20 without engines.node", () => {
    expect(resolveNodeMajor(null, undefined)).toEqual({ major: DEFAULT_NODE_MAJOR, reason: "by default (package.json has no engines.node)" });
    expect(resolveNodeMajor(null, "   ").major).toBe("20");
    expect(DEFAULT_NODE_MAJOR).toBe("20");
  });

  it("ignores a range that is not semver, and says so", () => {
    const choice = resolveNodeMajor(null, "lts/iron");
    expect(choice.major).toBe("20");
    expect(choice.reason).toMatch(/engines\.node "lts\/iron" is not a valid version range, so it was ignored/);
    expect(resolveNodeMajor(null, `>=${"1".repeat(300)}`).reason).toMatch(/not a valid version range/);
  });

  it("ignores a range that allows no supported major, and says so", () => {
    const choice = resolveNodeMajor(null, ">=24");
    expect(choice.major).toBe("20");
    expect(choice.reason).toMatch(/allows none of 18, 20, 22, so it was ignored/);
    expect(resolveNodeMajor(null, "<=16").major).toBe("20");
  });

  it("treats an unsupported setting as automatic", () => {
    expect(resolveNodeMajor("16", ">=18 <21").major).toBe("20");
    expect(resolveNodeMajor("", undefined).major).toBe("20");
  });

  it("supports exactly 18, 20 and 22", () => {
    expect(NODE_MAJORS).toEqual(["18", "20", "22"]);
  });
});

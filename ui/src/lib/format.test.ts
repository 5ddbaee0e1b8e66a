import { describe, expect, it } from "vitest";
import {
  bucketUnit,
  formatBucket,
  formatDate,
  formatDateTime,
  formatRelative,
  maskedKey,
  presetName,
  presetSummary,
  windowPhrase,
} from "./format";

const NOW = Date.parse("2026-11-20T10:00:00Z");

describe("formatRelative", () => {
  it("says how long ago or how soon, in the largest unit that fits", () => {
    expect(formatRelative("2026-11-20T09:59:50Z", NOW, "en")).toBe("just now");
    expect(formatRelative("2026-11-20T09:58:00Z", NOW, "en")).toBe("2 minutes ago");
    expect(formatRelative("2026-11-20T07:00:00Z", NOW, "en")).toBe("3 hours ago");
    expect(formatRelative("2026-11-19T10:00:00Z", NOW, "en")).toBe("yesterday");
    expect(formatRelative("2026-11-23T10:00:00Z", NOW, "en")).toBe("in 3 days");
    expect(formatRelative("2026-03-02T10:00:00Z", NOW, "en")).toBe("9 months ago");
    expect(formatRelative("2024-11-20T10:00:00Z", NOW, "en")).toBe("2 years ago");
  });

  it("leaves a value that is not a timestamp as it is", () => {
    expect(formatRelative("soon", NOW)).toBe("soon");
    expect(formatDate("soon")).toBe("soon");
  });
});

describe("usage windows", () => {
  it("name each window and its bucket size", () => {
    expect(windowPhrase("1h")).toBe("the last hour");
    expect(windowPhrase("30d")).toBe("the last 30 days");
    expect(["1h", "24h", "30d"].map(bucketUnit)).toEqual(["minute", "hour", "day"]);
    expect(formatBucket("2026-11-03T00:00:00Z", "30d", "en-GB")).toMatch(/Nov/);
    expect(formatBucket("2026-11-20T09:00:00Z", "24h", "en-GB")).toMatch(/\d\d:00/);
  });
});

describe("keys", () => {
  it("show the visible ends and what a preset allows", () => {
    expect(maskedKey({ prefix: "pk_live_3f9c2a7d1b8e4c60", last_four: "9a1f" })).toBe(
      "pk_live_3f9c2a7d1b8e4c60…9a1f",
    );
    expect(presetName("read")).toBe("Read only");
    expect(presetSummary("limited")).toMatch(/availability/);
    expect(presetName("custom")).toBe("custom");
  });
});

describe("formatDateTime", () => {
  it("leaves a value that is not a timestamp as it is", () => {
    expect(formatDateTime("soon")).toBe("soon");
    expect(formatDateTime("2031-05-04T13:30:00Z", "en-GB")).toMatch(/4 May 2031/);
  });
});

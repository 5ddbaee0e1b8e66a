import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { stepOfError } from "./create-key.svelte";
import { describe as describeError } from "./errors";
import type { ErrorContext } from "./errors";
import { dateInputValue, endOfLocalDay, toTimestamp } from "./format";
import { checkCustomerId, checkLabel, checkPastedSecret } from "./key-input";
import { CAPABILITIES } from "./presets";
import type { PresetId } from "./presets";
import { maskSecret } from "./reveal.svelte";
import { oldKeyOf } from "./rotate.svelte";
import { recentTotal } from "./traffic.svelte";

const HEX = "0123456789abcdef".repeat(4);

describe("checkLabel", () => {
  it("trims and accepts 1 to 64 characters, counted as characters not bytes", () => {
    expect(checkLabel("  Deploy bot ")).toEqual({ ok: true, value: "Deploy bot" });
    expect(checkLabel("é".repeat(64)).ok).toBe(true);
    expect(checkLabel("🔑".repeat(64)).ok).toBe(true);
    expect(checkLabel("🔑".repeat(65))).toMatchObject({ ok: false });
  });

  it("refuses empty labels and control characters, saying why", () => {
    expect(checkLabel(" \t ")).toEqual({ ok: false, reason: "Give the key a label." });
    expect(checkLabel("a\nb")).toMatchObject({ ok: false, reason: /control characters/ });
    expect(checkLabel("a\u0085b")).toMatchObject({ ok: false });
    expect(checkLabel("x".repeat(70))).toMatchObject({ reason: /at most 64 .* has 70/ });
  });
});

describe("checkPastedSecret", () => {
  it("accepts pk_live_/pk_test_ with 64 lowercase hex, trimmed, and names the environment", () => {
    expect(checkPastedSecret(`\n pk_live_${HEX} \n`)).toEqual({
      ok: true,
      value: { secret: `pk_live_${HEX}`, environment: "live" },
    });
    expect(checkPastedSecret(`pk_test_${HEX}`)).toMatchObject({
      value: { environment: "test" },
    });
  });

  it("says nothing about an empty box and why anything else is wrong", () => {
    expect(checkPastedSecret("  ")).toEqual({ ok: false, reason: null });
    expect(checkPastedSecret(`ps_${HEX}`)).toMatchObject({ reason: /start with pk_live_/ });
    expect(checkPastedSecret(`pk_prod_${HEX}`)).toMatchObject({ reason: /start with pk_live_/ });
    expect(checkPastedSecret(`pk_live_${HEX}0`)).toMatchObject({ reason: /this key has 65/ });
    expect(checkPastedSecret(`pk_live_${HEX.replace("a", "g")}`)).toMatchObject({
      reason: /0–9 and the letters a–f/,
    });
    expect(checkPastedSecret(`pk_live_${HEX.slice(0, 32)} ${HEX.slice(33)}`)).toMatchObject({
      ok: false,
    });
    expect(checkPastedSecret(`pk_live_${HEX.toUpperCase()}`)).toMatchObject({
      reason: /lowercase/,
    });
  });
});

describe("checkCustomerId", () => {
  it("wants usr_ ids", () => {
    expect(checkCustomerId(" usr_01HX ")).toEqual({ ok: true, value: "usr_01HX" });
    expect(checkCustomerId("")).toEqual({ ok: false, reason: null });
    expect(checkCustomerId("dana@example.com")).toMatchObject({ reason: /usr_/ });
  });
});

describe("create-key errors", () => {
  const error = (code: "conflict" | "invalid_request" | "network", field?: string) =>
    new ApiError({ code, message: "x", field: field ?? null });

  it("go back to the step they are about", () => {
    expect(stepOfError(error("conflict", "label"))).toBe(0);
    expect(stepOfError(error("conflict"))).toBe(1);
    expect(stepOfError(error("invalid_request", "environment"))).toBe(1);
    expect(stepOfError(error("invalid_request", "permission_preset"))).toBe(2);
    expect(stepOfError(error("invalid_request", "scope.user_id"))).toBe(3);
    expect(stepOfError(error("invalid_request", "expires_at"))).toBe(4);
    expect(stepOfError(error("network"))).toBe(4);
  });
});

describe("presets", () => {
  it("full may do everything, limited only reads and checks, read only reads", () => {
    const allowed = (id: PresetId) =>
      CAPABILITIES.filter((c) => c.allowed[id]).map((c) => c.action);
    expect(allowed("full")).toHaveLength(CAPABILITIES.length);
    expect(allowed("limited")).not.toContain("Set forwarding / change domains");
    expect(allowed("limited")).toContain("Check availability and prices");
    expect(allowed("read")).toEqual([
      "Read domains and customers",
      "See its own key info (GET /me)",
    ]);
  });
});

describe("reveal, rotate and traffic helpers", () => {
  it("masks all but the start and the last four", () => {
    expect(maskSecret(`pk_live_${HEX}`)).toBe(`pk_live_0123${"•".repeat(20)}cdef`);
    expect(maskSecret("short")).toBe("•".repeat(20));
  });

  it("maps each old-key choice to what the API is asked", () => {
    expect(oldKeyOf("keep")).toEqual({ kind: "keep_until_revoked" });
    expect(oldKeyOf("expire-1h")).toEqual({ kind: "expire_in", seconds: 3600 });
    expect(oldKeyOf("expire-24h")).toEqual({ kind: "expire_in", seconds: 86400 });
    expect(oldKeyOf("expire-7d")).toEqual({ kind: "expire_in", seconds: 604800 });
    expect(oldKeyOf("revoke")).toEqual({ kind: "revoke_now" });
  });

  it("adds up the last five buckets", () => {
    const buckets = [5, 0, 1, 2, 3, 4, 5].map((count, i) => ({ start: `t${i}`, count }));
    expect(recentTotal({ window: "1h", buckets, total: 20, last_used_at: null })).toBe(15);
    expect(recentTotal(null)).toBe(0);
  });
});

describe("format helpers for expiry", () => {
  it("writes timestamps as the API does and reads date inputs as local days", () => {
    expect(toTimestamp(Date.parse("2026-11-20T10:00:00.123Z"))).toBe("2026-11-20T10:00:00Z");
    const end = endOfLocalDay("2026-02-28")!;
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours()]).toEqual([
      2026, 1, 28, 23,
    ]);
    expect(endOfLocalDay("2026-02-30")).toBeNull();
    expect(endOfLocalDay("soon")).toBeNull();
    expect(dateInputValue(new Date(2026, 0, 5, 12))).toBe("2026-01-05");
  });
});

describe("error words of the key screens", () => {
  it("have their own words where the screen changes the meaning, else the general ones", () => {
    const words = (
      code: "conflict" | "network" | "keyring_unavailable",
      context: ErrorContext,
      field?: string,
    ) => describeError({ code, message: "m", field: field ?? null }, context).title;
    expect(words("conflict", "create-key", "label")).toBe("An active key already has this label");
    expect(words("conflict", "create-key")).toMatch(/most active keys/);
    expect(words("conflict", "general")).toBe("That clashes with something that already exists");
    expect(words("keyring_unavailable", "reveal")).toMatch(/^The secret is not saved/);
    expect(words("network", "create-key")).toBe(words("network", "general"));
  });
});

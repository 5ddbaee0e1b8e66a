import { describe as group, expect, it } from "vitest";
import { ApiError } from "./api";
import type { ErrorCode } from "./api";
import { describe, ERROR_WORDS } from "./errors";

// A Record so that adding a code to the bindings fails to compile here until it is listed.
const ALL_CODES = Object.keys({
  unauthorized: 1,
  session_expired: 1,
  forbidden: 1,
  not_found: 1,
  invalid_request: 1,
  conflict: 1,
  rate_limited: 1,
  network: 1,
  timeout: 1,
  server: 1,
  not_a_partner_api: 1,
  keyring_locked: 1,
  secret_not_stored: 1,
  locked: 1,
  keyring_unavailable: 1,
  internal: 1,
} satisfies Record<ErrorCode, 1>) as ErrorCode[];

group("error wording", () => {
  it("has words for every code, in both contexts", () => {
    expect(Object.keys(ERROR_WORDS).sort()).toEqual([...ALL_CODES].sort());
    for (const code of ALL_CODES) {
      for (const context of ["general", "sign-in"] as const) {
        const d = describe({ code, message: "detail" }, context);
        expect(d.code).toBe(code);
        expect(d.title.length, `${code} title`).toBeGreaterThan(5);
        expect(d.action, `${code} action`).toMatch(/\.$/);
        expect(d.action).not.toBe(d.title);
      }
    }
  });

  it("gives each code its own title", () => {
    const titles = ALL_CODES.map((code) => describe({ code, message: "" }).title);
    expect(new Set(titles).size).toBe(ALL_CODES.length);
  });

  it("says a failed sign-in is about the email or password", () => {
    const d = describe({ code: "unauthorized", message: "invalid credentials" }, "sign-in");
    expect(d.title).toBe("Email or password is not right");
    expect(d.action).toBe("Check them and try again.");
    expect(d.message).toBe("invalid credentials");
    expect(describe({ code: "unauthorized", message: "" }).title).not.toMatch(/password/i);
  });

  it("puts the retry delay into the words", () => {
    const d = describe({ code: "rate_limited", message: "slow down", retry_after_seconds: 30 });
    expect(d.action).toBe("Try again in 30 s.");
    expect(describe({ code: "rate_limited", message: "", retry_after_seconds: 2.2 }).action).toBe(
      "Try again in 3 s.",
    );
    const unknown = describe({ code: "rate_limited", message: "", retry_after_seconds: null });
    expect(unknown.action).not.toMatch(/\d/);
  });

  it("tells how to fix a wrong base URL and an unreachable server", () => {
    expect(describe({ code: "not_a_partner_api", message: "" })).toMatchObject({
      title: "That address is not a partner API",
      action: expect.stringContaining("https://api.peeker.ai"),
    });
    expect(describe({ code: "network", message: "" })).toMatchObject({
      title: "Can't reach the server",
      action: "Check the address and your connection, then try again.",
    });
    expect(describe({ code: "session_expired", message: "" }).action).toMatch(/sign in again/i);
  });

  it("passes on the request id and names the field", () => {
    const d = describe(
      new ApiError({
        code: "invalid_request",
        message: "base_url must be https",
        request_id: "req_9f2",
        field: "base_url",
      }),
    );
    expect(d).toMatchObject({
      requestId: "req_9f2",
      field: "base_url",
      fieldLabel: "Base URL",
      message: "base_url must be https",
      action: "Fix the marked field and try again.",
    });
  });

  it("treats absent and null optional fields alike", () => {
    const absent = describe({ code: "server", message: "boom" });
    const nulls = describe({ code: "server", message: "boom", request_id: null, field: null });
    expect(absent).toEqual(nulls);
    expect(absent.requestId).toBeNull();
    expect(absent.fieldLabel).toBeNull();
  });

  it("describes anything else thrown as an internal error with its text", () => {
    const d = describe("command sign_in not found");
    expect(d.code).toBe("internal");
    expect(d.message).toBe("command sign_in not found");
    expect(describe(new TypeError("x is undefined")).message).toBe("x is undefined");
  });
});

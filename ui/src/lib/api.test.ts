import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, tauriApi } from "./api";
import { appInfo, sessionView } from "../testing/fake-api";

// Stands in for the Tauri runtime the way the webview provides it, without importing Tauri.
type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;
function mockTauri(invoke: Invoke) {
  const spy = vi.fn(invoke);
  Object.assign(window, { __TAURI_INTERNALS__: { invoke: spy, transformCallback: () => 0 } });
  return spy;
}

afterEach(() => {
  delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
});

const request = { server: { kind: "sandbox" as const }, email: "a@b.test", password: "pw" };

describe("tauriApi", () => {
  it("calls the commands by their Rust names and returns their data", async () => {
    const invoke = mockTauri(async (cmd) => {
      if (cmd === "app_info") return appInfo();
      if (cmd === "sign_in") return sessionView();
      return null;
    });
    await expect(tauriApi.appInfo()).resolves.toEqual(appInfo());
    await expect(tauriApi.signIn(request)).resolves.toEqual(sessionView());
    await expect(tauriApi.signOut()).resolves.toBeUndefined();
    await expect(tauriApi.currentSession()).resolves.toBeNull();
    await expect(tauriApi.reportPainted("first_paint")).resolves.toBeUndefined();
    expect(invoke.mock.calls.map(([cmd]) => cmd)).toEqual([
      "app_info",
      "sign_in",
      "sign_out",
      "current_session",
      "report_painted",
    ]);
    expect(invoke.mock.calls[1]?.[1]).toEqual({ request });
  });

  it("opens an external link through open_external, failures as ApiError", async () => {
    const invoke = mockTauri(async () => null);
    await expect(tauriApi.openExternal("https://docs.peeker.ai")).resolves.toBeUndefined();
    expect(invoke).toHaveBeenCalledWith(
      "open_external",
      { url: "https://docs.peeker.ai" },
      undefined,
    );
    mockTauri(async () => {
      throw { code: "invalid_request", message: "Only https links open", field: "url" };
    });
    await expect(tauriApi.openExternal("http://example.test")).rejects.toMatchObject({
      code: "invalid_request",
    });
  });

  it("throws the command's error as an ApiError with every field present", async () => {
    mockTauri(async () => {
      throw { code: "unauthorized", message: "bad credentials", request_id: "req_1" };
    });
    const error = await tauriApi.signIn(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).error).toEqual({
      code: "unauthorized",
      message: "bad credentials",
      request_id: "req_1",
      retry_after_seconds: null,
      field: null,
    });
  });

  it("turns a framework rejection string into an internal error", async () => {
    mockTauri(async () => {
      throw "Command sign_out not found";
    });
    const error = await tauriApi.signOut().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("internal");
    expect((error as ApiError).message).toBe("Command sign_out not found");
  });

  it("turns a rejected plain command or a missing runtime into an internal error", async () => {
    mockTauri(async () => {
      throw new Error("ipc closed");
    });
    await expect(tauriApi.appInfo()).rejects.toMatchObject({ code: "internal" });
    delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
    await expect(tauriApi.currentSession()).rejects.toBeInstanceOf(ApiError);
  });

  it("keeps an unknown error code from a newer Rust side from leaking through", () => {
    const error = ApiError.from({ code: "teapot", message: "short and stout" });
    expect(error.code).toBe("internal");
    expect(error.message).toBe("short and stout");
  });
});

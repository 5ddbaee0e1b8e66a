/**
 * A fake {@link Api} for unit tests: no Tauri, every call recorded, answers chosen per test.
 */
import { vi } from "vitest";
import { ApiError } from "../lib/api";
import type { Api, AppInfo, IpcError, SessionView } from "../lib/api";

export const SANDBOX_URL = "http://127.0.0.1:43117";

export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    version: "0.1.0",
    profile: null,
    sandbox: {
      state: "running",
      base_url: SANDBOX_URL,
      admin_email: "admin@sandbox.test",
      admin_password: "sandbox-pass-123",
    },
    auto_sign_in: false,
    ...overrides,
  };
}

export const failedSandboxInfo = (): AppInfo =>
  appInfo({ sandbox: { state: "failed", message: "address already in use" } });

export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    server: { kind: "sandbox", base_url: SANDBOX_URL },
    partner: { id: "ptn_01", name: "Acme Analytics" },
    admin: { id: "adm_01", email: "ada@acme.test", name: "Ada Lovelace" },
    expires_at: "2031-05-04T13:30:00Z",
    ...overrides,
  };
}

export const apiError = (error: IpcError) => new ApiError(error);

/** A fake whose every method is a `vi.fn` spy: working defaults, which tests can override. */
export function fakeApi(overrides: Partial<Api> = {}) {
  return {
    appInfo: vi.fn<Api["appInfo"]>(overrides.appInfo ?? (async () => appInfo())),
    signIn: vi.fn<Api["signIn"]>(overrides.signIn ?? (async () => sessionView())),
    signOut: vi.fn<Api["signOut"]>(overrides.signOut ?? (async () => {})),
    currentSession: vi.fn<Api["currentSession"]>(overrides.currentSession ?? (async () => null)),
    reportPainted: vi.fn<Api["reportPainted"]>(overrides.reportPainted ?? (async () => {})),
  } satisfies Api;
}

/** A promise the test resolves or rejects when it wants, to look at in-between states. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

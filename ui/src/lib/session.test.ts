import { describe, expect, it } from "vitest";
import { SessionStore } from "./session.svelte";
import {
  apiError,
  appInfo,
  deferred,
  failedSandboxInfo,
  fakeApi,
  sessionView,
} from "../testing/fake-api";
import type { SessionView } from "./api";

async function loaded(api = fakeApi()) {
  const store = new SessionStore(api);
  await store.load();
  return { store, api };
}

describe("SessionStore.load", () => {
  it("chooses the running sandbox and fills in its own credentials", async () => {
    const { store } = await loaded();
    expect(store.loading).toBe(false);
    expect(store.server).toBe("sandbox");
    expect(store.draft).toEqual({ email: "admin@sandbox.test", password: "sandbox-pass-123" });
    expect(store.session).toBeNull();
  });

  it("chooses the Peeker API when the sandbox failed to start", async () => {
    const { store } = await loaded(fakeApi({ appInfo: async () => failedSandboxInfo() }));
    expect(store.server).toBe("remote");
    expect(store.draft).toEqual({ email: "", password: "" });
    store.choose("sandbox");
    expect(store.server).toBe("remote");
  });

  it("starts on the server chosen in Settings", async () => {
    const { store } = await loaded(
      fakeApi({
        getSettings: async () => ({
          server: { kind: "remote", base_url: "https://api.peeker.ai" },
          clipboard_clear_seconds: 30,
          idle_lock_minutes: 5,
          theme: "system",
        }),
      }),
    );
    expect(store.server).toBe("remote");
    expect(store.baseUrl).toBe("https://api.peeker.ai");
  });

  it("restores a session Rust already holds", async () => {
    const { store } = await loaded(fakeApi({ currentSession: async () => sessionView() }));
    expect(store.session?.partner.name).toBe("Acme Analytics");
  });

  it("keeps the failure when app info cannot be read", async () => {
    const { store } = await loaded(
      fakeApi({
        appInfo: async () => {
          throw apiError({ code: "internal", message: "state poisoned" });
        },
      }),
    );
    expect(store.loading).toBe(false);
    expect(store.error?.code).toBe("internal");
    expect(store.server).toBe("remote");
  });

  it("signs in to the sandbox once when started with auto sign-in", async () => {
    const api = fakeApi({ appInfo: async () => appInfo({ auto_sign_in: true }) });
    const { store } = await loaded(api);
    expect(api.signIn).toHaveBeenCalledTimes(1);
    expect(api.signIn).toHaveBeenCalledWith({
      server: { kind: "sandbox" },
      email: "admin@sandbox.test",
      password: "sandbox-pass-123",
    });
    expect(store.session).not.toBeNull();
  });

  it("does not auto sign in when the sandbox is down or a session exists", async () => {
    const down = fakeApi({
      appInfo: async () => ({ ...failedSandboxInfo(), auto_sign_in: true }),
    });
    await loaded(down);
    expect(down.signIn).not.toHaveBeenCalled();
    const restored = fakeApi({
      appInfo: async () => appInfo({ auto_sign_in: true }),
      currentSession: async () => sessionView(),
    });
    await loaded(restored);
    expect(restored.signIn).not.toHaveBeenCalled();
  });
});

describe("SessionStore.signIn", () => {
  it("opens the session on success", async () => {
    const { store, api } = await loaded();
    expect(await store.signIn()).toBe(true);
    expect(store.session).toEqual(sessionView());
    expect(store.error).toBeNull();
    expect(store.signingIn).toBe(false);
    expect(api.signIn).toHaveBeenCalledWith({
      server: { kind: "sandbox" },
      email: "admin@sandbox.test",
      password: "sandbox-pass-123",
    });
  });

  it("sends the remote base URL and trimmed email", async () => {
    const { store, api } = await loaded();
    store.choose("remote");
    store.baseUrl = "  https://api.peeker.ai ";
    store.draft.email = " ada@acme.test ";
    store.draft.password = "s3cret";
    await store.signIn();
    expect(api.signIn).toHaveBeenCalledWith({
      server: { kind: "remote", base_url: "https://api.peeker.ai" },
      email: "ada@acme.test",
      password: "s3cret",
    });
    expect(store.drafts.remote.password).toBe("");
  });

  it("keeps what was typed and the error when it fails", async () => {
    const error = apiError({ code: "unauthorized", message: "nope", request_id: "req_7" });
    const { store } = await loaded(
      fakeApi({
        signIn: async () => {
          throw error;
        },
      }),
    );
    store.choose("remote");
    store.baseUrl = "https://api.peeker.ai";
    store.draft.email = "ada@acme.test";
    store.draft.password = "wrong";
    expect(await store.signIn()).toBe(false);
    expect(store.error).toBe(error);
    expect(store.session).toBeNull();
    expect(store.baseUrl).toBe("https://api.peeker.ai");
    expect(store.draft).toEqual({ email: "ada@acme.test", password: "wrong" });
  });

  it("shows progress and ignores a second submit while signing in", async () => {
    const pending = deferred<SessionView>();
    const { store, api } = await loaded(fakeApi({ signIn: () => pending.promise }));
    const first = store.signIn();
    expect(store.signingIn).toBe(true);
    expect(await store.signIn()).toBe(false);
    pending.resolve(sessionView());
    expect(await first).toBe(true);
    expect(store.signingIn).toBe(false);
    expect(api.signIn).toHaveBeenCalledTimes(1);
  });

  it("names the empty field without calling Rust", async () => {
    const { store, api } = await loaded();
    store.choose("remote");
    await store.signIn();
    expect(store.error?.error).toMatchObject({ code: "invalid_request", field: "base_url" });
    store.baseUrl = "https://api.peeker.ai";
    await store.signIn();
    expect(store.error?.error.field).toBe("email");
    expect(api.signIn).not.toHaveBeenCalled();
  });

  it("wraps a non-ApiError failure as internal", async () => {
    const { store } = await loaded(
      fakeApi({
        signIn: async () => {
          throw "Command sign_in not found";
        },
      }),
    );
    await store.signIn();
    expect(store.error?.code).toBe("internal");
  });
});

describe("SessionStore.signOut", () => {
  it("clears the session", async () => {
    const { store, api } = await loaded(fakeApi({ currentSession: async () => sessionView() }));
    await store.signOut();
    expect(api.signOut).toHaveBeenCalledTimes(1);
    expect(store.session).toBeNull();
    expect(store.error).toBeNull();
  });

  it("keeps the session and shows the error when signing out fails", async () => {
    const { store } = await loaded(
      fakeApi({
        currentSession: async () => sessionView(),
        signOut: async () => {
          throw apiError({ code: "keyring_locked", message: "IsLocked" });
        },
      }),
    );
    await store.signOut();
    expect(store.session).not.toBeNull();
    expect(store.error?.code).toBe("keyring_locked");
  });

  it("goes back to Connect when the session had already expired", async () => {
    const { store } = await loaded(
      fakeApi({
        currentSession: async () => sessionView(),
        signOut: async () => {
          throw apiError({ code: "session_expired", message: "expired" });
        },
      }),
    );
    await store.signOut();
    expect(store.session).toBeNull();
  });
});

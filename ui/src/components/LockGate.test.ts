import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import LockGate from "./LockGate.svelte";
import { FakePortal, deferred, fakeApi, sessionView } from "../testing/fake-api";
import { MINUTE_MS } from "../lib/lock.svelte";

const PASSWORD = "sandbox-pass-123";

const children = createRawSnippet(() => ({
  render: () => `<p data-testid="secret-content">pk_live_3f9c2a7d1b8e4c60…9a1f</p>`,
}));

function renderGate(idleMinutes = 5, portal = new FakePortal(), api = fakeApi({}, portal)) {
  const view = render(LockGate, { props: { api, idleMinutes, children } });
  return { view, portal, api };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("LockGate", () => {
  it("locks after the idle time: Rust is told, the children go, the password field has focus", async () => {
    const { portal, api } = renderGate(5);
    portal.clipboard = "pk_live_secret";
    portal.reveals.set("key_01NEW1", "pk_live_secret");
    expect(screen.getByTestId("secret-content")).toBeInTheDocument();

    await vi.advanceTimersByTimeAsync(5 * MINUTE_MS - 1000);
    expect(screen.queryByTestId("lock-screen")).not.toBeInTheDocument();
    await vi.advanceTimersByTimeAsync(1000);

    expect(api.lockApp).toHaveBeenCalledTimes(1);
    expect(portal.locked).toBe(true);
    expect(portal.clipboard).toBeNull();
    expect(portal.reveals.size).toBe(0);
    expect(screen.getByTestId("lock-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("secret-content")).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent("pk_live_3f9c");
    expect(screen.getByTestId("lock-reason")).toHaveTextContent("after 5 minutes");
    await vi.waitFor(() => expect(screen.getByTestId("unlock-password")).toHaveFocus());
    expect(screen.getByTestId("unlock-password")).toHaveAccessibleName("Password");
  });

  it("counts keyboard, pointer and wheel input as activity", async () => {
    const { api } = renderGate(5);
    await vi.advanceTimersByTimeAsync(4 * MINUTE_MS);
    await fireEvent.keyDown(document.body, { key: "a" });
    await vi.advanceTimersByTimeAsync(4 * MINUTE_MS);
    await fireEvent.pointerDown(document.body);
    await vi.advanceTimersByTimeAsync(4 * MINUTE_MS);
    await fireEvent.wheel(document.body);
    await vi.advanceTimersByTimeAsync(4 * MINUTE_MS);
    expect(api.lockApp).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    expect(api.lockApp).toHaveBeenCalledTimes(1);
  });

  it("refuses a wrong password in the sign-in words, then unlocks with the right one", async () => {
    const { portal, api } = renderGate(1);
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    const password = screen.getByTestId("unlock-password");

    await fireEvent.input(password, { target: { value: "wrong" } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    const notice = await vi.waitFor(() => screen.getByTestId("error-notice"));
    expect(notice).toHaveTextContent("Email or password is not right");
    expect(notice).toHaveAttribute("data-code", "unauthorized");
    expect(password).toHaveAttribute("aria-invalid", "true");
    await vi.waitFor(() => expect(password).toHaveValue(""));
    expect(screen.queryByTestId("secret-content")).not.toBeInTheDocument();

    await fireEvent.input(password, { target: { value: PASSWORD } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    await vi.waitFor(() => expect(screen.getByTestId("secret-content")).toBeInTheDocument());
    expect(api.unlockApp).toHaveBeenLastCalledWith(PASSWORD);
    expect(portal.locked).toBe(false);
    expect(screen.queryByTestId("lock-screen")).not.toBeInTheDocument();

    // The idle timer runs again after unlocking.
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    expect(api.lockApp).toHaveBeenCalledTimes(2);
  });

  it("unlocks with Enter from the password field", async () => {
    const { api } = renderGate(1);
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    const password = screen.getByTestId("unlock-password");
    await fireEvent.input(password, { target: { value: PASSWORD } });
    await fireEvent.submit(password.closest("form")!);
    await vi.waitFor(() => expect(screen.getByTestId("secret-content")).toBeInTheDocument());
    expect(api.unlockApp).toHaveBeenCalledTimes(1);
  });

  it("asks for the password before calling Rust", async () => {
    const { api } = renderGate(1);
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    expect(screen.getByTestId("error-notice")).toHaveAttribute("data-code", "invalid_request");
    expect(screen.getByTestId("unlock-password")).toHaveAttribute("aria-invalid", "true");
    expect(api.unlockApp).not.toHaveBeenCalled();
  });

  it("shows progress while unlocking", async () => {
    const pending = deferred<ReturnType<typeof sessionView>>();
    const portal = new FakePortal();
    const { api } = renderGate(1, portal, fakeApi({ unlockApp: () => pending.promise }, portal));
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    await fireEvent.input(screen.getByTestId("unlock-password"), { target: { value: PASSWORD } });
    await fireEvent.click(screen.getByTestId("unlock-submit"));
    const submit = screen.getByTestId("unlock-submit");
    expect(submit).toBeDisabled();
    expect(submit).toHaveAttribute("aria-busy", "true");
    expect(submit).toHaveTextContent("Unlocking");
    pending.resolve(sessionView());
    await vi.waitFor(() => expect(screen.getByTestId("secret-content")).toBeInTheDocument());
    expect(api.unlockApp).toHaveBeenCalledTimes(1);
  });

  it("locks at once through lock()", async () => {
    const { view, portal } = renderGate(30);
    (view.component as unknown as { lock(): void }).lock();
    await vi.waitFor(() => expect(screen.getByTestId("lock-screen")).toBeInTheDocument());
    expect(screen.getByTestId("lock-reason")).toHaveTextContent("You locked it.");
    expect(portal.locked).toBe(true);
  });

  it("follows a new idle time", async () => {
    const { view, api } = renderGate(30);
    await vi.advanceTimersByTimeAsync(2 * MINUTE_MS);
    await view.rerender({ idleMinutes: 2 });
    await vi.advanceTimersByTimeAsync(1);
    expect(api.lockApp).toHaveBeenCalledTimes(1);
  });

  it("still hides everything when Rust could not lock, and says so", async () => {
    const portal = new FakePortal();
    portal.failNext("lockApp", { code: "internal", message: "clipboard busy" });
    renderGate(1, portal);
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    expect(screen.getByTestId("lock-screen")).toBeInTheDocument();
    expect(screen.queryByTestId("secret-content")).not.toBeInTheDocument();
    expect(screen.getByTestId("error-notice")).toHaveTextContent("clipboard busy");
  });

  it("stops its timer when it goes away", async () => {
    const { view, api } = renderGate(1);
    view.unmount();
    await vi.advanceTimersByTimeAsync(5 * MINUTE_MS);
    expect(api.lockApp).not.toHaveBeenCalled();
  });

  it("locks at once when the window comes back after the idle time", async () => {
    const { api } = renderGate(5);
    // Timers of a hidden page may not run: move the clock without firing them.
    vi.setSystemTime(Date.now() + 6 * MINUTE_MS);
    const visibility = vi.spyOn(document, "visibilityState", "get").mockReturnValue("visible");
    document.dispatchEvent(new Event("visibilitychange"));
    await waitFor(() => expect(screen.getByTestId("lock-screen")).toBeInTheDocument());
    expect(api.lockApp).toHaveBeenCalledTimes(1);
    visibility.mockRestore();
  });
});

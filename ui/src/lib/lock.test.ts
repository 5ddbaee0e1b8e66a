import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LockStore, MINUTE_MS } from "./lock.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("LockStore", () => {
  it("does nothing before start, then locks after the idle time", async () => {
    const api = fakeApi({}, new FakePortal());
    const store = new LockStore(api, 2);
    await vi.advanceTimersByTimeAsync(10 * MINUTE_MS);
    expect(store.locked).toBe(false);
    store.start();
    await vi.advanceTimersByTimeAsync(2 * MINUTE_MS);
    expect(store.locked).toBe(true);
    expect(store.reason).toBe("idle");
    expect(api.lockApp).toHaveBeenCalledTimes(1);
    store.stop();
  });

  it("ignores input while locked and locks only once", async () => {
    const api = fakeApi({}, new FakePortal());
    const store = new LockStore(api, 1);
    store.start();
    await store.lock();
    store.touch();
    await store.lock();
    await vi.advanceTimersByTimeAsync(5 * MINUTE_MS);
    expect(api.lockApp).toHaveBeenCalledTimes(1);
    expect(store.reason).toBe("manual");
    store.stop();
  });

  it("counts a return to the window as activity while the idle time has not passed", async () => {
    const api = fakeApi({}, new FakePortal());
    const store = new LockStore(api, 5);
    store.start();
    vi.setSystemTime(Date.now() + 4 * MINUTE_MS);
    store.visible();
    await vi.advanceTimersByTimeAsync(4 * MINUTE_MS);
    expect(store.locked).toBe(false);
    await vi.advanceTimersByTimeAsync(MINUTE_MS);
    expect(store.locked).toBe(true);
    store.stop();
  });

  it("does not unlock what is not locked, and keeps a wrong password's error", async () => {
    const api = fakeApi({}, new FakePortal());
    const store = new LockStore(api, 5);
    expect(await store.unlock("sandbox-pass-123")).toBe(false);
    expect(api.unlockApp).not.toHaveBeenCalled();
    await store.lock();
    expect(await store.unlock("nope")).toBe(false);
    expect(store.error?.code).toBe("unauthorized");
    expect(store.locked).toBe(true);
    expect(await store.unlock("sandbox-pass-123")).toBe(true);
    expect(store.error).toBeNull();
    expect(store.locked).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { KeysStore, expiresSoon } from "./keys.svelte";
import { FakePortal, apiKey, deferred, fakeApi } from "../testing/fake-api";
import type { KeyView } from "./api";

const NOW = Date.parse("2026-11-20T10:00:00Z");
const ids = (store: KeysStore) => store.keys.map((v) => v.key.id);

function setup(portal = new FakePortal()) {
  const api = fakeApi({}, portal);
  return { portal, api, store: new KeysStore(api) };
}

describe("KeysStore", () => {
  it("lists every key newest first, with whether this computer holds its secret", async () => {
    const { store } = setup();
    expect(store.loaded).toBe(false);
    await store.refresh();
    expect(store.loaded).toBe(true);
    expect(ids(store)).toEqual(["key_01TEST", "key_01LIVE", "key_01OLD"]);
    expect(store.keys.map((v) => v.stored)).toEqual([false, true, true]);
    expect(store.empty).toBe(false);
  });

  it("sends the filters to listKeys and shows only what matches", async () => {
    const { api, store } = setup();
    await store.setEnvironment("test");
    expect(api.listKeys).toHaveBeenLastCalledWith({ environment: "test", status: null });
    expect(ids(store)).toEqual(["key_01TEST"]);

    await store.setEnvironment("live");
    await store.setStatus("revoked");
    expect(api.listKeys).toHaveBeenLastCalledWith({ environment: "live", status: "revoked" });
    expect(ids(store)).toEqual(["key_01OLD"]);

    await store.setStatus("expired");
    expect(store.keys).toEqual([]);
    expect(store.noMatches).toBe(true);
    expect(store.empty).toBe(false);

    await store.clearFilters();
    expect(api.listKeys).toHaveBeenLastCalledWith({ environment: null, status: null });
    expect(store.keys).toHaveLength(3);
  });

  it("is empty only when the partner has no keys at all", async () => {
    const { store } = setup(new FakePortal({ keys: [], stored: [] }));
    await store.refresh();
    expect(store.empty).toBe(true);
    expect(store.noMatches).toBe(false);
  });

  it("keeps the last list and the error when reading fails", async () => {
    const { portal, store } = setup();
    await store.refresh();
    portal.failNext("listKeys", { code: "network", message: "connection refused" });
    await store.refresh();
    expect(store.error?.code).toBe("network");
    expect(store.keys).toHaveLength(3);
    expect(store.loading).toBe(false);
    await store.refresh();
    expect(store.error).toBeNull();
  });

  it("lets only the latest request write the list when filters change quickly", async () => {
    const slow = deferred<KeyView[]>();
    const portal = new FakePortal();
    const api = fakeApi({}, portal);
    api.listKeys.mockImplementationOnce(() => slow.promise);
    const store = new KeysStore(api);
    const first = store.setEnvironment("live");
    await store.setEnvironment("test");
    slow.resolve([{ key: apiKey(), stored: true }]);
    await first;
    expect(ids(store)).toEqual(["key_01TEST"]);
    expect(store.loading).toBe(false);
  });

  it("finds stale and unknown secrets in the keyring and purges them", async () => {
    const { portal, api, store } = setup();
    portal.keyring.set("key_01GONE", "pk_live_" + "0".repeat(64));
    await store.refresh();
    expect(store.reconciliation?.stale.map((k) => k.id)).toEqual(["key_01OLD"]);
    expect(store.reconciliation?.unknown).toEqual(["key_01GONE"]);
    expect(store.purgeable).toEqual(["key_01OLD", "key_01GONE"]);

    await store.purge();
    expect(api.purgeSecrets).toHaveBeenCalledWith(["key_01OLD", "key_01GONE"]);
    expect(portal.keyring.has("key_01OLD")).toBe(false);
    expect(portal.keyring.has("key_01GONE")).toBe(false);
    expect(portal.keyring.has("key_01LIVE")).toBe(true);
    expect(store.purged).toBe(2);
    expect(store.purgeable).toEqual([]);
    expect(store.keys.find((v) => v.key.id === "key_01OLD")?.stored).toBe(false);
  });

  it("keeps a purge failure and the secrets", async () => {
    const { portal, store } = setup();
    await store.refresh();
    portal.failNext("purgeSecrets", { code: "keyring_locked", message: "locked" });
    await store.purge();
    expect(store.purgeError?.code).toBe("keyring_locked");
    expect(store.purged).toBeNull();
    expect(portal.keyring.has("key_01OLD")).toBe(true);
    expect(store.purging).toBe(false);
  });

  it("keeps a reconcile failure apart from the list", async () => {
    const { portal, store } = setup();
    portal.failNext("reconcileKeys", { code: "keyring_unavailable", message: "no service" });
    await store.refresh();
    expect(store.reconcileError?.code).toBe("keyring_unavailable");
    expect(store.error).toBeNull();
    expect(store.keys).toHaveLength(3);
  });

  it("opens a key and highlights it on the way back", async () => {
    const { store } = setup();
    await store.refresh();
    store.select("key_01LIVE");
    expect(store.selected?.key.label).toBe("Production backend");
    store.select(null);
    expect(store.selectedId).toBeNull();
    expect(store.highlightId).toBe("key_01LIVE");
  });

  it("shows a new key in an unfiltered list, highlighted", async () => {
    const { api, store } = setup();
    await store.setStatus("revoked");
    const created = await api.createKey({
      label: "Billing worker",
      environment: "live",
      preset: "limited",
      customer: null,
      expires_at: null,
      save: true,
    });
    await store.showNew(created.key.id);
    expect(store.status).toBe("all");
    expect(store.highlightId).toBe(created.key.id);
    expect(ids(store)[0]).toBe(created.key.id);
    expect(store.keys[0]?.stored).toBe(true);
  });
});

describe("expiresSoon", () => {
  it("is true within a week of expiring, and not after", () => {
    expect(expiresSoon(null, NOW)).toBe(false);
    expect(expiresSoon("2026-11-20T11:00:00Z", NOW)).toBe(true);
    expect(expiresSoon("2026-11-27T09:00:00Z", NOW)).toBe(true);
    expect(expiresSoon("2026-12-20T10:00:00Z", NOW)).toBe(false);
    expect(expiresSoon("2026-11-19T10:00:00Z", NOW)).toBe(false);
    expect(expiresSoon("soon", NOW)).toBe(false);
  });
});

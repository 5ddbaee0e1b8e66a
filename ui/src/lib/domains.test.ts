import { describe, expect, it, vi } from "vitest";
import { DomainsStore, LAST_KEY_STORAGE } from "./domains.svelte";
import { DomainActions, canForward } from "./domain-actions.svelte";
import { countStats } from "./domain-view";
import { PRESET_NEEDED, describe as describeError } from "./errors";
import { FakePortal, apiKey, fakeApi } from "../testing/fake-api";
import type { Domain, DomainStatus } from "./api";

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

function setup(portal = new FakePortal()) {
  const api = fakeApi({}, portal);
  const store = new DomainsStore(api, { storage: memoryStorage() });
  return { portal, api, store, actions: new DomainActions(api, store) };
}

const done = (store: DomainsStore) =>
  vi.waitFor(() => expect(store.scanState).toBe("done"), { timeout: 5000 });

const ids = (rows: readonly Domain[]) => rows.map((d) => d.id);

describe("DomainsStore", () => {
  it("browses with the stored active key and streams every page in", async () => {
    const { api, store } = setup();
    await store.loadKeys();
    // key_01LIVE is stored and active; key_01OLD is stored but revoked; key_01TEST is not stored.
    expect(store.keys.map((v) => v.key.id)).toEqual(["key_01LIVE"]);
    expect(api.openBrowser).toHaveBeenCalledWith("key_01LIVE");
    expect(store.info?.me.api_key.environment).toBe("live");
    await done(store);
    expect(store.loaded).toBe(1250);
    expect(store.pages).toBe(13);
    expect(new Set(ids(store.rows)).size).toBe(1250);
    expect(store.expected).toBe(1250);
    expect(store.stats?.stats.total).toBe(1250);
  });

  it("remembers the key it browsed with", async () => {
    const portal = new FakePortal({
      keys: [apiKey(), apiKey({ id: "key_01T2", environment: "test", permission_preset: "read" })],
      stored: ["key_01LIVE", "key_01T2"],
    });
    const storage = memoryStorage();
    storage.setItem(LAST_KEY_STORAGE, "key_01T2");
    const store = new DomainsStore(fakeApi({}, portal), { storage });
    await store.loadKeys();
    expect(store.info?.key_id).toBe("key_01T2");
    expect(store.info?.me.api_key.environment).toBe("test");
  });

  it("offers nothing to browse with until a read key is made, stored and opened", async () => {
    const { portal, store, actions } = setup(new FakePortal({ stored: [] }));
    await store.loadKeys();
    expect(store.keys).toEqual([]);
    expect(store.info).toBeNull();

    await store.createBrowsingKey("test");
    expect(store.createError).toBeNull();
    expect(store.info?.me.api_key.permission_preset).toBe("read");
    expect(store.info?.me.api_key.environment).toBe("test");
    const made = portal.keys.find((k) => k.id === store.info?.key_id);
    expect(made?.label).toBe("Domain browsing");
    expect(portal.keyring.has(made!.id)).toBe(true);
    expect(actions.availabilityBlocked).toEqual(PRESET_NEEDED.availability);
    expect(actions.forwardingBlocked).toEqual(PRESET_NEEDED.forwarding);
    await done(store);
    expect(store.loaded).toBe(640);
  });

  it("sends server filters, and shows exactly what the stats count", async () => {
    const { api, store } = setup();
    await store.loadKeys();
    await done(store);
    await store.setFilter({ status: "active" });
    expect(api.scanDomains).toHaveBeenLastCalledWith(
      "key_01LIVE",
      { status: "active" },
      expect.any(Function),
    );
    expect(store.loaded).toBeLessThan(1250);
    await done(store);
    expect(store.rows.every((d) => d.status === "active")).toBe(true);
    expect(store.loaded).toBe(store.stats?.stats.total);

    await store.pick("status", "active");
    expect(store.filter.status).toBeNull();
    await done(store);
    expect(store.loaded).toBe(1250);
  });

  it("searches the loaded rows at once and sorts them", async () => {
    const { store } = setup();
    await store.loadKeys();
    await done(store);
    const sample = store.rows[7]!;
    store.setQuery(sample.domain.toUpperCase());
    expect(store.view.map((d) => d.domain)).toContain(sample.domain);
    expect(store.view.every((d) => d.domain.includes(sample.domain))).toBe(true);

    const connected = store.rows.find((d) => d.user_id)!;
    const email = store.emailOf(connected.user_id!)!;
    store.setQuery(email);
    expect(store.view.length).toBeGreaterThan(0);
    expect(store.view.every((d) => d.user_id === connected.user_id)).toBe(true);

    store.setQuery("");
    store.toggleSort("domain");
    const names = store.view.map((d) => d.domain);
    expect(names).toEqual([...names].sort());
    store.toggleSort("domain");
    expect(store.view[0]!.domain).toBe(names[names.length - 1]);
    store.toggleSort("domain");
    expect(store.sort).toBeNull();
    expect(ids(store.view)).toEqual(ids(store.rows));
  });

  it("pauses between pages and goes on where it stopped", async () => {
    const { portal, store } = setup();
    portal.scanPageDelayMs = 5;
    await store.loadKeys();
    await vi.waitFor(() => expect(store.pages).toBeGreaterThan(1));
    await store.pause();
    await vi.waitFor(() => expect(store.scanState).toBe("paused"));
    const held = store.loaded;
    await new Promise((r) => setTimeout(r, 40));
    expect(store.loaded).toBe(held);
    await store.resume();
    await done(store);
    expect(store.loaded).toBe(1250);
    expect(new Set(ids(store.rows)).size).toBe(1250);
  });

  it("keeps what was loaded when a page fails, and resumes without loss or repeats", async () => {
    const { portal, store } = setup();
    portal.failScanAfter(3, {
      code: "server",
      message: "upstream failed",
      request_id: "req_01FAIL",
    });
    await store.loadKeys();
    await vi.waitFor(() => expect(store.scanState).toBe("failed"));
    expect(store.loaded).toBe(300);
    expect(store.scanError?.error.request_id).toBe("req_01FAIL");
    await store.resume();
    await done(store);
    expect(store.loaded).toBe(1250);
    expect(new Set(ids(store.rows)).size).toBe(1250);
  });

  it("shows a wait for a 429 and loses nothing", async () => {
    const { portal, store } = setup();
    portal.rateLimitScanAt(2, 0.05);
    await store.loadKeys();
    await vi.waitFor(() => expect(store.scanState).toBe("waiting"));
    expect(store.waitSeconds).toBe(0.05);
    expect(store.waitError?.code).toBe("rate_limited");
    expect(store.waitError?.request_id).toMatch(/^req_/);
    await done(store);
    expect(store.loaded).toBe(1250);
  });

  it("cancels, and a new filter cancels the scan before it", async () => {
    const { portal, api, store } = setup();
    portal.scanPageDelayMs = 5;
    await store.loadKeys();
    await vi.waitFor(() => expect(store.pages).toBeGreaterThan(0));
    await store.setFilter({ category: "connected" });
    expect(api.controlScan).toHaveBeenCalledWith(expect.any(Number), "cancel");
    await store.cancel();
    await vi.waitFor(() => expect(store.scanState).toBe("cancelled"));
    expect(store.rows.every((d) => d.category === "connected")).toBe(true);
  });

  it("counts the loaded rows when the server has no stats", async () => {
    const portal = new FakePortal();
    const api = fakeApi({ domainStats: async () => null }, portal);
    const store = new DomainsStore(api, { storage: memoryStorage() });
    await store.loadKeys();
    expect(store.expected).toBeNull();
    await done(store);
    expect(store.statsUnsupported).toBe(true);
    expect(store.overview?.computed).toBe(true);
    expect(store.overview?.stats).toEqual(countStats(store.rows));
    expect(store.expected).toBe(1250);
  });

  it("counts domains per customer among the loaded rows", async () => {
    const { store } = setup();
    await store.loadKeys();
    await done(store);
    const owner = store.rows.find((d) => d.user_id)!.user_id!;
    const expected = store.rows.filter((d) => d.user_id === owner).length;
    expect(store.customerCounts.get(owner)).toBe(expected);
    expect(store.customers.length).toBeGreaterThan(4);
  });
});

describe("DomainActions", () => {
  it("sets forwarding on the selected connected rows and shows the new URL", async () => {
    const { store, actions } = setup();
    await store.loadKeys();
    await done(store);
    const targets = store.rows.filter(canForward).slice(0, 3);
    const inventory = store.rows.find((d) => d.category === "inventory")!;
    for (const d of [...targets, inventory]) store.toggleSelected(d.id);

    actions.openForwarding();
    await actions.setForwarding("https://welcome.acme.example/");
    expect(actions.forwardingError).toBeNull();
    expect(actions.lastJobs).toHaveLength(1);
    expect(actions.lastJobs[0]!.completed_count).toBe(3);
    for (const target of targets) {
      const row = store.rows.find((d) => d.id === target.id)!;
      expect(row.forwarding_url).toBe("https://welcome.acme.example/");
      expect(actions.jobsFor(row)).toHaveLength(1);
    }
    expect(store.rows.find((d) => d.id === inventory.id)!.forwarding_url).toBe(
      inventory.forwarding_url,
    );
  });

  it("disables what the preset cannot do, in the words a 403 gets", async () => {
    const portal = new FakePortal({
      keys: [apiKey({ id: "key_01READ", permission_preset: "read" })],
      stored: ["key_01READ"],
    });
    const { api, store, actions } = setup(portal);
    await store.loadKeys();
    expect(actions.forwardingBlocked).toEqual(PRESET_NEEDED.forwarding);
    expect(actions.availabilityBlocked).toEqual(PRESET_NEEDED.availability);

    // Were the server asked anyway, its 403 reads the same.
    await actions.checkAvailability(["acme.example"]);
    expect(api.checkAvailability).toHaveBeenCalled();
    expect(actions.availabilityError?.code).toBe("forbidden");
    expect(describeError(actions.availabilityError, "availability").title).toBe(
      PRESET_NEEDED.availability.title,
    );
  });

  it("checks availability in batches and shows answers as they come", async () => {
    const portal = new FakePortal({
      keys: [apiKey({ id: "key_01LIM", permission_preset: "limited" })],
      stored: ["key_01LIM"],
    });
    const before: number[] = [];
    const box: { actions?: DomainActions } = {};
    const api = fakeApi(
      {
        checkAvailability: (keyId, names, onBatch) =>
          portal.api.checkAvailability(keyId, names, (batch) => {
            before.push(box.actions!.availability.length);
            onBatch(batch);
          }),
      },
      portal,
    );
    const store = new DomainsStore(api, { storage: memoryStorage() });
    const actions = new DomainActions(api, store);
    box.actions = actions;
    await store.loadKeys();
    expect(actions.availabilityBlocked).toBeNull();
    const names = Array.from({ length: 120 }, (_, i) => `idea-${i}.com`);
    await actions.checkAvailability(names);
    expect(before).toEqual([0, 50, 100]);
    expect(actions.availability).toHaveLength(120);
    expect(actions.availability[0]).toMatchObject({ domain: "idea-0.com", available: true });
  });

  it("exports what the table shows, search and sort included", async () => {
    const { portal, store, actions } = setup();
    await store.loadKeys();
    await done(store);
    await store.setFilter({ status: "active" as DomainStatus });
    await done(store);
    await actions.exportCsv();
    expect(actions.exported?.rows).toBe(store.stats?.stats.total);
    expect(portal.exports.at(-1)?.suggestedName).toMatch(/^domains-live-\d{4}-\d{2}-\d{2}\.csv$/);

    portal.exportCancels = true;
    await actions.exportCsv();
    expect(actions.exported).toBeNull();
    expect(actions.exportError).toBeNull();
  });
});

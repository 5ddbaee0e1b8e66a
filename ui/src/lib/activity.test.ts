import { describe, expect, it } from "vitest";
import { ActivityStore, describeItem } from "./activity.svelte";
import type { ActivityItem } from "./api";
import { FakePortal, fakeApi } from "../testing/fake-api";

const local = (
  action: string,
  note: string | null = null,
  key_id = "key_01LIVE",
): ActivityItem => ({
  source: "local",
  entry: { at: "2026-11-20T10:00:00Z", action, key_id, request_id: null, environment: null, note },
});

const server = (
  type: string,
  extra: Partial<{ request_id: string | null }> = {},
): ActivityItem => ({
  source: "server",
  event: {
    id: "evt_1",
    type,
    actor: "adm_01",
    api_key_id: "key_01LIVE",
    at: "2026-11-20T10:00:00Z",
    request_id: "req_1",
    ...extra,
  },
});

describe("describeItem", () => {
  it("says what the server recorded in plain words", () => {
    expect(describeItem(server("api_key.created"), 0)).toMatchObject({
      what: "Key created",
      source: "server",
      keyId: "key_01LIVE",
      requestId: "req_1",
      alarm: false,
    });
    expect(describeItem(server("api_key.revoked"), 0)).toMatchObject({
      what: "Key revoked",
      alarm: true,
    });
    expect(describeItem(server("api_key.expired", { request_id: null }), 0).requestId).toBeNull();
    expect(describeItem(server("webhook.delivery_failed"), 0).what).toBe("Webhook delivery failed");
  });

  it("says what this computer did, with the note where it adds to it", () => {
    expect(describeItem(local("copied", "from the reveal step"), 0).what).toBe(
      "Secret copied from the reveal step",
    );
    expect(describeItem(local("copied"), 0).what).toBe("Secret copied from the keyring");
    expect(
      describeItem(local("forwarding_set", "https://acme.example on 3 domain(s); 0 failed"), 0)
        .what,
    ).toBe("Forwarding set: https://acme.example on 3 domain(s); 0 failed");
    expect(describeItem(local("verified", "accepted in 18 ms"), 0).what).toBe(
      "Verified: accepted in 18 ms",
    );
    const refused = describeItem(local("verified", "refused: unauthorized"), 0);
    expect(refused.what).toBe("Verification refused (unauthorized)");
    expect(refused.alarm).toBe(true);
    expect(describeItem(local("rotated", "old key expires in 86400 s"), 0).what).toBe(
      "Key rotated: old key expires in 1 d",
    );
    expect(describeItem(local("rotated", "old key expires in 3600 s"), 0).what).toBe(
      "Key rotated: old key expires in 1 h",
    );
    expect(describeItem(local("removed_from_keyring"), 0).what).toBe(
      "Secret removed from the keyring",
    );
    expect(describeItem(local("leaked", "replaced by key_2"), 0)).toMatchObject({
      what: "Marked as leaked: replaced by key_2",
      alarm: true,
      source: "local",
    });
    expect(describeItem(local("exported_to_vault"), 0).what).toBe("Exported to vault");
  });

  it("gives local entries ids unique within a read", () => {
    expect(describeItem(local("copied"), 3).id).not.toBe(describeItem(local("copied"), 4).id);
  });
});

describe("ActivityStore", () => {
  it("reads both logs newest first, and names keys from the key list", async () => {
    const portal = new FakePortal();
    const api = fakeApi({}, portal);
    const created = await portal.api.createKey({
      label: "Billing sync",
      environment: "test",
      preset: "read",
      customer: null,
      expires_at: null,
      save: true,
    });
    await portal.api.copyRevealed(created.key.id);
    await portal.api.verifyKey("key_01LIVE");

    const store = new ActivityStore(api);
    await store.load();

    expect(api.activity).toHaveBeenCalledWith(null, 200);
    expect(store.rows.map((r) => r.what)).toEqual([
      "Verified: accepted in 18 ms",
      "Secret copied from the reveal step",
      "Key created",
    ]);
    expect(store.rows.map((r) => r.source)).toEqual(["local", "local", "server"]);
    expect(store.nameOf(created.key.id)).toEqual({ label: "Billing sync", environment: "test" });
    expect(store.keyChoices.map((c) => c.label)).toContain("Billing sync");
    expect(store.empty).toBe(false);
  });

  it("filters by key", async () => {
    const portal = new FakePortal();
    await portal.api.verifyKey("key_01LIVE");
    await portal.api.revokeKey("key_01TEST");
    const api = fakeApi({}, portal);
    const store = new ActivityStore(api);
    await store.filter("key_01TEST");
    expect(api.activity).toHaveBeenLastCalledWith("key_01TEST", 200);
    expect(store.rows.map((r) => r.what)).toEqual(["Key revoked"]);
    await store.filter(null);
    expect(store.rows).toHaveLength(2);
  });

  it("keeps the last lines and says why when a read fails; the key list failing is silent", async () => {
    const portal = new FakePortal();
    await portal.api.verifyKey("key_01LIVE");
    const store = new ActivityStore(fakeApi({}, portal));
    await store.load();
    portal.failNext("activity", { code: "network", message: "connection refused" });
    portal.failNext("listKeys", { code: "network", message: "connection refused" });
    await store.load();
    expect(store.error?.code).toBe("network");
    expect(store.rows).toHaveLength(1);
    expect(store.empty).toBe(false);
    await store.load();
    expect(store.error).toBeNull();
  });

  it("is empty once a read came back with nothing", async () => {
    const store = new ActivityStore(fakeApi({}, new FakePortal()));
    expect(store.empty).toBe(false);
    await store.load();
    expect(store.empty).toBe(true);
  });
});

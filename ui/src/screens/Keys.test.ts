import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Keys from "./Keys.svelte";
import { KeysStore } from "../lib/keys.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";

async function renderKeys(portal = new FakePortal()) {
  const api = fakeApi({}, portal);
  const store = new KeysStore(api);
  render(Keys, { props: { api, store } });
  await waitFor(() => expect(store.loaded).toBe(true));
  return { api, store, portal };
}

const rows = () => screen.queryAllByTestId("key-row");
const row = (id: string) => rows().find((r) => r.dataset.keyId === id)!;

describe("Keys screen", () => {
  it("lists each key with its environment, permissions, visible ends, status and keyring state", async () => {
    await renderKeys();
    expect(screen.getByTestId("keys-screen")).toBeVisible();
    expect(rows().map((r) => r.dataset.keyId)).toEqual(["key_01TEST", "key_01LIVE", "key_01OLD"]);

    const live = within(row("key_01LIVE"));
    expect(live.getByText("Production backend")).toBeVisible();
    expect(live.getByText("LIVE")).toHaveClass("live");
    expect(live.getByText("Full access")).toBeVisible();
    expect(live.getByText("pk_live_3f9c2a7d1b8e4c60…9a1f")).toBeVisible();
    expect(live.getByText("Active")).toBeVisible();
    expect(live.getByTestId("key-stored")).toHaveTextContent("On this computer");

    const test = within(row("key_01TEST"));
    expect(test.getByText("TEST")).toHaveClass("test");
    expect(test.getByText("Read only")).toBeVisible();
    expect(test.getByTestId("key-stored")).toHaveTextContent("Not stored");

    expect(within(row("key_01OLD")).getByText("Revoked")).toBeVisible();
    expect(screen.getByTestId("keys-count")).toHaveTextContent("3 keys");
  });

  it("filters by environment and status through listKeys", async () => {
    const { api } = await renderKeys();
    await fireEvent.change(screen.getByTestId("filter-environment"), { target: { value: "live" } });
    await waitFor(() =>
      expect(api.listKeys).toHaveBeenLastCalledWith({ environment: "live", status: null }),
    );
    await waitFor(() => expect(rows()).toHaveLength(2));

    await fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "active" } });
    await waitFor(() => expect(rows().map((r) => r.dataset.keyId)).toEqual(["key_01LIVE"]));
    expect(api.listKeys).toHaveBeenLastCalledWith({ environment: "live", status: "active" });
    expect(screen.getByTestId("keys-count")).toHaveTextContent("1 matching key");

    await fireEvent.change(screen.getByTestId("filter-status"), { target: { value: "expired" } });
    expect(await screen.findByTestId("keys-no-match")).toBeVisible();
    expect(screen.queryByTestId("keys-empty")).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Show all keys" }));
    await waitFor(() => expect(rows()).toHaveLength(3));
  });

  it("refreshes on demand and shows what changed on the server", async () => {
    const { portal } = await renderKeys();
    portal.keys[0]!.status = "revoked";
    await fireEvent.click(screen.getByTestId("refresh-keys"));
    await waitFor(() => expect(within(row("key_01LIVE")).getByText("Revoked")).toBeVisible());
  });

  it("shows a failed read with its request id and keeps the buttons working", async () => {
    const portal = new FakePortal();
    portal.failNext("listKeys", {
      code: "server",
      message: "upstream failed",
      request_id: "req_01FAIL",
    });
    const api = fakeApi({}, portal);
    const store = new KeysStore(api);
    render(Keys, { props: { api, store } });
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "server");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent("req_01FAIL");
    expect(screen.queryByTestId("keys-empty")).toBeNull();
    await fireEvent.click(screen.getByTestId("refresh-keys"));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(screen.queryByTestId("error-notice")).toBeNull();
  });

  it("says there are no keys yet and leads to creating one", async () => {
    await renderKeys(new FakePortal({ keys: [], stored: [] }));
    const empty = screen.getByTestId("keys-empty");
    expect(empty).toHaveTextContent("No API keys yet");
    expect(rows()).toHaveLength(0);
    await fireEvent.click(within(empty).getByRole("button", { name: "Create key" }));
    expect(await screen.findByTestId("create-wizard")).toBeVisible();
  });

  it("offers to remove secrets of revoked or unknown keys from the keyring", async () => {
    const portal = new FakePortal();
    portal.keyring.set("key_01GONE", "pk_test_" + "1".repeat(64));
    await renderKeys(portal);
    const notice = await screen.findByTestId("reconcile-notice");
    expect(notice).toHaveTextContent(
      "1 belongs to a key that is revoked or expired (Old importer)",
    );
    expect(notice).toHaveTextContent("1 belongs to a key the server does not know");

    await fireEvent.click(within(notice).getByTestId("purge-secrets"));
    expect(await screen.findByTestId("purge-done")).toHaveTextContent(
      "Removed 2 secrets from this computer's keyring",
    );
    expect(portal.keyring.has("key_01OLD")).toBe(false);
    expect(portal.keyring.has("key_01GONE")).toBe(false);
    expect(portal.keyring.has("key_01LIVE")).toBe(true);
    expect(screen.queryByTestId("reconcile-notice")).toBeNull();
    expect(within(row("key_01OLD")).getByTestId("key-stored")).toHaveTextContent("Not stored");
  });

  it("opens a key with a click, or with Enter on its row; arrows move between rows", async () => {
    const { store } = await renderKeys();
    await fireEvent.click(within(row("key_01OLD")).getByText("Old importer"));
    expect(store.selectedId).toBe("key_01OLD");
    store.select(null);

    row("key_01TEST").focus();
    await fireEvent.keyDown(row("key_01TEST"), { key: "ArrowDown" });
    expect(row("key_01LIVE")).toHaveFocus();
    await fireEvent.keyDown(row("key_01LIVE"), { key: "Enter" });
    expect(store.selectedId).toBe("key_01LIVE");
  });

  it("adds an existing key, then shows it highlighted and stored", async () => {
    const portal = new FakePortal();
    const api = fakeApi({}, portal);
    // A key made elsewhere: the server knows it, this computer does not hold it.
    const made = await portal.api.createKey({
      label: "Made on a laptop",
      environment: "test",
      preset: "read",
      customer: null,
      expires_at: null,
      save: false,
    });
    await portal.api.closeReveal(made.key.id);
    const store = new KeysStore(api);
    render(Keys, { props: { api, store } });
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(within(row(made.key.id)).getByTestId("key-stored")).toHaveTextContent("Not stored");

    await fireEvent.click(screen.getByTestId("add-key"));
    await fireEvent.input(await screen.findByTestId("paste-secret"), {
      target: { value: made.reveal.secret },
    });
    await fireEvent.click(screen.getByTestId("add-key-submit"));
    await fireEvent.click(await screen.findByTestId("add-key-done"));

    await waitFor(() => expect(screen.queryByTestId("add-key-dialog")).toBeNull());
    await waitFor(() =>
      expect(within(row(made.key.id)).getByTestId("key-stored")).toHaveTextContent(
        "On this computer",
      ),
    );
    expect(row(made.key.id)).toHaveClass("highlight");
    await waitFor(() => expect(row(made.key.id)).toHaveFocus());
    expect(portal.keyring.get(made.key.id)).toBe(made.reveal.secret);
  });

  it("creates a key, then shows it first, highlighted and stored", async () => {
    const { portal } = await renderKeys();
    await fireEvent.click(screen.getByTestId("create-key"));
    await fireEvent.input(await screen.findByTestId("key-label"), {
      target: { value: "Nightly export" },
    });
    await fireEvent.click(screen.getByTestId("wizard-next"));
    await fireEvent.click(await screen.findByTestId("env-test"));
    await fireEvent.click(screen.getByTestId("wizard-next"));
    await fireEvent.click(await screen.findByTestId("preset-read"));
    await fireEvent.click(screen.getByTestId("wizard-next"));
    await fireEvent.click(await screen.findByTestId("scope-partner"));
    await fireEvent.click(screen.getByTestId("wizard-next"));
    await fireEvent.click(await screen.findByTestId("wizard-create"));
    const reveal = await screen.findByTestId("secret-reveal");
    await fireEvent.click(within(reveal).getByTestId("stored-confirm"));
    await fireEvent.click(within(reveal).getByTestId("close-reveal"));
    await waitFor(() => expect(screen.queryByTestId("create-wizard")).toBeNull());

    const created = portal.keys.find((k) => k.label === "Nightly export")!;
    await waitFor(() => expect(rows()[0]?.dataset.keyId).toBe(created.id));
    expect(rows()[0]).toHaveClass("highlight");
    expect(within(rows()[0]!).getByTestId("key-stored")).toHaveTextContent("On this computer");
    expect(portal.keyring.get(created.id)).toBe(portal.secrets.get(created.id));
    await waitFor(() => expect(rows()[0]).toHaveFocus());
  });

  it("closes the add dialog with Esc and changes nothing", async () => {
    const { api } = await renderKeys();
    const calls = api.listKeys.mock.calls.length;
    screen.getByTestId("add-key").focus();
    await fireEvent.click(screen.getByTestId("add-key"));
    const dialog = await screen.findByTestId("add-key-dialog");
    await fireEvent.keyDown(dialog, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("add-key-dialog")).toBeNull());
    expect(screen.getByTestId("add-key")).toHaveFocus();
    expect(api.listKeys.mock.calls.length).toBe(calls);
  });
});

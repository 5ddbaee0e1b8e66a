import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import KeyDetail from "./KeyDetail.svelte";
import { KeysStore } from "../lib/keys.svelte";
import { FakePortal, apiKey, fakeApi, sessionView } from "../testing/fake-api";

async function renderDetail(keyId = "key_01LIVE", portal = new FakePortal()) {
  const api = fakeApi({}, portal);
  const keys = new KeysStore(api);
  await keys.refresh();
  keys.select(keyId);
  render(KeyDetail, { props: { api, keyId, keys, admin: sessionView().admin } });
  await screen.findByTestId("key-id");
  return { api, keys, portal };
}

const button = (testid: string) => screen.getByTestId(testid) as HTMLButtonElement;

describe("Key detail", () => {
  // No 2D context in jsdom: the chart draws nothing, its text alternative stays.
  beforeEach(() => {
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
  });
  afterEach(() => vi.useRealTimers());

  it("shows every field of the key", async () => {
    await renderDetail();
    const detail = screen.getByTestId("key-detail");
    expect(screen.getByTestId("key-id")).toHaveTextContent("key_01LIVE");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Production backend");
    expect(within(detail).getAllByText("LIVE")[0]).toHaveClass("live");
    expect(detail).toHaveTextContent("Full access");
    expect(detail).toHaveTextContent("Can do everything the partner API allows.");
    expect(detail).toHaveTextContent("The whole partner: every customer");
    expect(detail).toHaveTextContent("by Ada Lovelace (you)");
    expect(detail).toHaveTextContent("Not revoked");
    expect(detail).toHaveTextContent("Not rotated");
    expect(detail).toHaveTextContent("In this computer's keyring");
  });

  it("verifies the key and shows environment, permissions, partner, latency and request id", async () => {
    const { api } = await renderDetail();
    await fireEvent.click(button("verify-key"));
    const result = await screen.findByTestId("verify-result");
    expect(api.verifyKey).toHaveBeenCalledWith("key_01LIVE");
    expect(result).toHaveTextContent("The server accepted this key");
    expect(within(result).getByText("LIVE")).toBeVisible();
    expect(result).toHaveTextContent("Full access");
    expect(result).toHaveTextContent("Acme Analytics");
    expect(result).toHaveTextContent("18 ms");
    expect(result).toHaveTextContent(/req_01JD\d+/);
  });

  it("shows the 401 of a revoked key plainly, with the request id", async () => {
    await renderDetail("key_01OLD");
    // A revoked key still in the keyring may be verified: the server says no.
    expect(button("verify-key")).toBeEnabled();
    await fireEvent.click(button("verify-key"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "unauthorized");
    expect(notice).toHaveTextContent("The server refused this key");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent(/^req_01JD\d+$/);
    expect(screen.queryByTestId("verify-result")).toBeNull();
  });

  it("disables Verify and Copy with the reason when the keyring lacks the secret", async () => {
    await renderDetail("key_01TEST");
    expect(button("copy-stored")).toBeDisabled();
    const reason = screen.getByTestId("copy-reason");
    expect(reason).toHaveTextContent("Copy needs the secret in this computer's keyring");
    expect(button("copy-stored")).toHaveAttribute("aria-describedby", reason.id);
    expect(button("verify-key")).toBeDisabled();
    expect(screen.getByText("Verify needs the secret in this computer's keyring.")).toBeVisible();
  });

  it("copies from the keyring and counts down to the clipboard being cleared", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
    const { portal } = await renderDetail();
    await fireEvent.click(button("copy-stored"));
    const status = screen.getByTestId("copy-status");
    await waitFor(() => expect(status).toHaveTextContent("Copied; clipboard clears in 30 s"));
    expect(portal.clipboard).toBe(portal.keyring.get("key_01LIVE"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(status).toHaveTextContent("clipboard clears in 29 s");
    await vi.advanceTimersByTimeAsync(29_000);
    expect(status).toHaveTextContent("Clipboard cleared.");
  });

  it("shows why copying failed", async () => {
    const portal = new FakePortal();
    await renderDetail("key_01LIVE", portal);
    portal.locked = true;
    await fireEvent.click(button("copy-stored"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "locked");
  });

  it("shows usage for the last 24 hours, and for 1 h or 30 d on demand", async () => {
    const { api } = await renderDetail();
    expect(api.keyUsage).toHaveBeenCalledWith("key_01LIVE", "24h");
    expect(button("usage-24h")).toHaveAttribute("aria-pressed", "true");
    expect(await screen.findByTestId("usage-chart")).toHaveAccessibleName(
      /^Requests per hour over the last 24 hours\. Production backend: [\d,]+ in total\.$/,
    );
    await fireEvent.click(button("usage-1h"));
    expect(api.keyUsage).toHaveBeenLastCalledWith("key_01LIVE", "1h");
    await waitFor(() =>
      expect(screen.getByTestId("usage-chart")).toHaveAccessibleName(
        /per minute over the last hour/,
      ),
    );
    expect(button("usage-1h")).toHaveAttribute("aria-pressed", "true");
    expect(button("usage-24h")).toHaveAttribute("aria-pressed", "false");
    await fireEvent.click(button("usage-30d"));
    await waitFor(() =>
      expect(screen.getByTestId("usage-chart")).toHaveAccessibleName(
        /per day over the last 30 days/,
      ),
    );
  });

  it("shows a usage failure with ErrorNotice", async () => {
    const portal = new FakePortal();
    portal.failNext("keyUsage", { code: "timeout", message: "slow", request_id: "req_01SLOW" });
    await renderDetail("key_01LIVE", portal);
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "timeout");
    expect(screen.queryByTestId("usage-chart")).toBeNull();
  });

  it("revokes only after the label is typed, and the stored secret is gone", async () => {
    const { portal, keys } = await renderDetail();
    expect(portal.keyring.has("key_01LIVE")).toBe(true);
    await fireEvent.click(button("revoke-key"));
    const dialog = await screen.findByTestId("revoke-dialog");
    expect(dialog).toHaveTextContent("stops working at once");
    expect(dialog).toHaveTextContent("cannot be undone");
    const input = within(dialog).getByTestId("revoke-confirm-label");
    expect(input).toHaveFocus();
    const submit = within(dialog).getByTestId("revoke-submit");
    expect(submit).toBeDisabled();
    await fireEvent.input(input, { target: { value: "Production" } });
    expect(submit).toBeDisabled();
    await fireEvent.input(input, { target: { value: "Production backend" } });
    expect(submit).toBeEnabled();
    await fireEvent.click(submit);

    await waitFor(() => expect(screen.queryByTestId("revoke-dialog")).toBeNull());
    expect(portal.keys.find((k) => k.id === "key_01LIVE")?.status).toBe("revoked");
    expect(portal.keyring.has("key_01LIVE")).toBe(false);
    const detail = screen.getByTestId("key-detail");
    expect(within(detail).getAllByText("Revoked")[0]).toBeVisible();
    expect(detail).toHaveTextContent("Not stored on this computer");
    expect(keys.keys.find((v) => v.key.id === "key_01LIVE")?.key.status).toBe("revoked");
    // Nothing more can be done with it, and the page says why.
    for (const id of ["rotate-key", "revoke-key", "key-leaked", "copy-stored"]) {
      expect(button(id)).toBeDisabled();
    }
    const banner = screen.getByTestId("key-inactive");
    expect(banner).toHaveTextContent("This key is revoked: it no longer works.");
    expect(button("rotate-key")).toHaveAttribute("aria-describedby", banner.id);
  });

  it("keeps the key when revoking fails, and says why", async () => {
    const { portal } = await renderDetail();
    portal.failNext("revokeKey", { code: "forbidden", message: "no", request_id: "req_01NO" });
    await fireEvent.click(button("revoke-key"));
    const dialog = await screen.findByTestId("revoke-dialog");
    await fireEvent.input(within(dialog).getByTestId("revoke-confirm-label"), {
      target: { value: "Production backend" },
    });
    await fireEvent.submit(within(dialog).getByTestId("revoke-confirm-label").closest("form")!);
    const notice = await within(dialog).findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "forbidden");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent("req_01NO");
    expect(portal.keyring.has("key_01LIVE")).toBe(true);
  });

  it("closes the revoke dialog with Esc, revoking nothing, and gives focus back", async () => {
    const { portal } = await renderDetail();
    button("revoke-key").focus();
    await fireEvent.click(button("revoke-key"));
    const input = await screen.findByTestId("revoke-confirm-label");
    await fireEvent.keyDown(input, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("revoke-dialog")).toBeNull());
    expect(button("revoke-key")).toHaveFocus();
    expect(portal.keys.find((k) => k.id === "key_01LIVE")?.status).toBe("active");
  });

  it("replaces a leaked key: old revoked, new stored, then the checklist", async () => {
    const { portal, api } = await renderDetail();
    await fireEvent.click(button("key-leaked"));
    const dialog = await screen.findByTestId("leaked-dialog");
    expect(dialog).toHaveTextContent("revoke the leaked key at once");
    // The safe choice has the focus, not the red button.
    expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus();
    await fireEvent.click(within(dialog).getByTestId("leaked-submit"));

    const reveal = await screen.findByTestId("secret-reveal");
    expect(api.keyLeaked).toHaveBeenCalledWith("key_01LIVE");
    const old = portal.keys.find((k) => k.id === "key_01LIVE")!;
    expect(old.status).toBe("revoked");
    expect(portal.keyring.has("key_01LIVE")).toBe(false);
    const replacement = old.replaced_by!;
    expect(portal.keyring.get(replacement)).toBe(portal.secrets.get(replacement));

    await fireEvent.click(within(reveal).getByTestId("stored-confirm"));
    await fireEvent.click(within(reveal).getByTestId("close-reveal"));
    const checklist = await screen.findByTestId("leaked-checklist");
    expect(screen.queryByTestId("secret-reveal")).toBeNull();
    expect(portal.reveals.has(replacement)).toBe(false);
    expect(checklist).toHaveTextContent("Put the new secret everywhere the old one was used");
    expect(checklist).toHaveTextContent("Search your logs");
    expect(within(checklist).getAllByRole("checkbox")).toHaveLength(4);

    await fireEvent.click(screen.getByTestId("leaked-done"));
    await waitFor(() => expect(screen.queryByTestId("leaked-dialog")).toBeNull());
    expect(await screen.findByTestId("replaced-by")).toHaveTextContent(replacement);
    expect(button("key-leaked")).toBeDisabled();
  });

  it("shows a failed leak replacement and changes nothing", async () => {
    const { portal } = await renderDetail();
    portal.failNext("keyLeaked", { code: "network", message: "offline" });
    await fireEvent.click(button("key-leaked"));
    await fireEvent.click(await screen.findByTestId("leaked-submit"));
    const notice = await within(screen.getByTestId("leaked-dialog")).findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "network");
    expect(portal.keys.find((k) => k.id === "key_01LIVE")?.status).toBe("active");
    await fireEvent.keyDown(screen.getByTestId("leaked-dialog"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("leaked-dialog")).toBeNull());
  });

  it("explains why a rotated key cannot be rotated or marked leaked, and links its replacement", async () => {
    const portal = new FakePortal();
    const rotated = await portal.api.rotateKey("key_01LIVE", { kind: "keep_until_revoked" }, true);
    await portal.api.closeReveal(rotated.key.id);
    const { keys } = await renderDetail("key_01LIVE", portal);
    expect(button("rotate-key")).toBeDisabled();
    expect(button("key-leaked")).toBeDisabled();
    expect(button("revoke-key")).toBeEnabled();
    expect(screen.getByTestId("action-reasons")).toHaveTextContent("already rotated");
    await fireEvent.click(screen.getByTestId("replaced-by"));
    expect(keys.selectedId).toBe(rotated.key.id);
  });

  it("turns every action off for an expired key, saying why", async () => {
    const portal = new FakePortal({
      keys: [apiKey({ id: "key_01EXP", status: "expired", expires_at: "2026-11-01T00:00:00Z" })],
      stored: ["key_01EXP"],
    });
    await renderDetail("key_01EXP", portal);
    const banner = screen.getByTestId("key-inactive");
    expect(banner).toHaveTextContent("This key has expired: it no longer works.");
    expect(banner).toHaveTextContent("To replace it, create a new key.");
    for (const id of ["rotate-key", "revoke-key", "key-leaked", "copy-stored"]) {
      expect(button(id)).toBeDisabled();
    }
    expect(screen.getByTestId("copy-reason")).toHaveTextContent("expired");
  });

  it("says so when the key cannot be read, and still goes back", async () => {
    const portal = new FakePortal();
    const api = fakeApi({}, portal);
    const keys = new KeysStore(api);
    keys.select("key_01NOPE");
    render(KeyDetail, { props: { api, keyId: "key_01NOPE", keys } });
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "not_found");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent(/^req_/);
    expect(screen.queryByTestId("verify-key")).toBeNull();
    await fireEvent.click(screen.getByTestId("back-to-keys"));
    expect(keys.selectedId).toBeNull();
  });

  it("goes back to the list", async () => {
    const { keys } = await renderDetail();
    await fireEvent.click(screen.getByTestId("back-to-keys"));
    expect(keys.selectedId).toBeNull();
    expect(keys.highlightId).toBe("key_01LIVE");
  });
});

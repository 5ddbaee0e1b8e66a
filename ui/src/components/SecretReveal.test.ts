import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import SecretReveal from "./SecretReveal.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";
import type { Created } from "../lib/api";
import { maskSecret } from "../lib/reveal.svelte";

/** A key made through the fake portal, so its reveal is open there. */
async function created(portal: FakePortal): Promise<Created> {
  return portal.api.createKey({
    label: "Deploy bot",
    environment: "test",
    preset: "full",
    customer: null,
    expires_at: null,
    save: true,
  });
}

async function renderReveal(portal = new FakePortal()) {
  const made = await created(portal);
  const api = fakeApi({}, portal);
  const ondone = vi.fn();
  const view = render(SecretReveal, {
    props: {
      api,
      keyId: made.key.id,
      label: made.key.label,
      environment: made.key.environment,
      secret: made.reveal.secret,
      stored: made.stored,
      ondone,
    },
  });
  return { portal, api, ondone, made, secret: made.reveal.secret, view };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("SecretReveal", () => {
  it("says the secret is shown only once, before showing it, masked", async () => {
    const { secret } = await renderReveal();
    const warning = screen.getByText(/will never be shown again/);
    const value = screen.getByTestId("secret-value");
    // The warning comes first in reading order.
    expect(warning.compareDocumentPosition(value) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(value.textContent).toBe(maskSecret(secret));
    expect(value.textContent).not.toContain(secret.slice(12, -4));
    expect(value.textContent).toMatch(/^pk_test_[0-9a-f]{4}•+[0-9a-f]{4}$/);
    expect(screen.getByTestId("reveal-toggle")).toHaveAttribute("aria-pressed", "false");
  });

  it("shows the whole secret on request and hides it again", async () => {
    const { secret } = await renderReveal();
    const toggle = screen.getByTestId("reveal-toggle");
    await fireEvent.click(toggle);
    expect(toggle).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("secret-value").textContent).toBe(secret);
    await fireEvent.click(toggle);
    expect(screen.getByTestId("secret-value").textContent).toBe(maskSecret(secret));
  });

  it("copies through Rust and counts down to the clipboard being cleared", async () => {
    vi.useFakeTimers();
    const { portal, api, secret, made } = await renderReveal();
    expect(screen.queryByTestId("clipboard-countdown")).toBeNull();
    await fireEvent.click(screen.getByTestId("copy-secret"));
    await vi.advanceTimersByTimeAsync(0);
    expect(api.copyRevealed).toHaveBeenCalledWith(made.key.id);
    expect(portal.clipboard).toBe(secret);
    const countdown = screen.getByTestId("clipboard-countdown");
    expect(countdown).toHaveAttribute("role", "status");
    expect(countdown).toHaveTextContent("Clipboard clears in 30 s");
    await vi.advanceTimersByTimeAsync(1000);
    expect(countdown).toHaveTextContent("Clipboard clears in 29 s");
    await vi.advanceTimersByTimeAsync(29_000);
    expect(screen.getByTestId("clipboard-countdown")).toHaveTextContent("Clipboard cleared");
  });

  it("uses the clear time Rust answers with", async () => {
    vi.useFakeTimers();
    const portal = new FakePortal();
    portal.settings.clipboard_clear_seconds = 5;
    await renderReveal(portal);
    await fireEvent.click(screen.getByTestId("copy-secret"));
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByTestId("clipboard-countdown")).toHaveTextContent("Clipboard clears in 5 s");
  });

  it("names the clipboard's clear time from the settings before the first copy", async () => {
    const portal = new FakePortal();
    portal.settings.clipboard_clear_seconds = 12;
    await renderReveal(portal);
    expect(await screen.findByText(/empties the clipboard 12 s later/)).toBeInTheDocument();
  });

  it("shows a failed copy", async () => {
    const portal = new FakePortal();
    portal.failNext("copyRevealed", { code: "internal", message: "Clipboard unavailable" });
    await renderReveal(portal);
    await fireEvent.click(screen.getByTestId("copy-secret"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "internal");
    expect(screen.queryByTestId("clipboard-countdown")).toBeNull();
  });

  it("removes the secret from the keyring when unticked, and saves it again when ticked", async () => {
    const { portal, api, made, secret } = await renderReveal();
    const save = screen.getByTestId("save-to-keyring") as HTMLInputElement;
    expect(save.checked).toBe(true);
    expect(portal.keyring.get(made.key.id)).toBe(secret);

    await fireEvent.click(save);
    await waitFor(() => expect(portal.keyring.has(made.key.id)).toBe(false));
    expect(api.unsaveRevealed).toHaveBeenCalledWith(made.key.id);
    expect(save.checked).toBe(false);
    expect(screen.getByText(/Not saved/)).toBeInTheDocument();

    await fireEvent.click(save);
    await waitFor(() => expect(portal.keyring.get(made.key.id)).toBe(secret));
    expect(api.saveRevealed).toHaveBeenCalledWith(made.key.id);
    expect(save.checked).toBe(true);
  });

  it("explains a locked keyring and saves on retry once it is unlocked", async () => {
    const portal = new FakePortal();
    portal.keyringLocked = true;
    const { made, api } = await renderReveal(portal);
    const save = screen.getByTestId("save-to-keyring") as HTMLInputElement;
    expect(save.checked).toBe(false);
    const notice = screen.getByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "keyring_locked");
    expect(notice).toHaveTextContent("The secret is not saved: your keychain is locked");

    // Still locked: the retry fails the same way, and the box stays unticked.
    await fireEvent.click(screen.getByTestId("retry-save"));
    await waitFor(() => expect(api.saveRevealed).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getByTestId("retry-save")).toBeEnabled());
    expect(screen.getByTestId("error-notice")).toHaveAttribute("data-code", "keyring_locked");
    expect(portal.keyring.has(made.key.id)).toBe(false);

    portal.keyringLocked = false;
    await fireEvent.click(screen.getByTestId("retry-save"));
    await waitFor(() => expect(portal.keyring.has(made.key.id)).toBe(true));
    await waitFor(() => expect(screen.queryByTestId("error-notice")).toBeNull());
    expect((screen.getByTestId("save-to-keyring") as HTMLInputElement).checked).toBe(true);
  });

  it("keeps the box as it was when removing fails", async () => {
    const portal = new FakePortal();
    portal.failNext("unsaveRevealed", { code: "keyring_unavailable", message: "No service" });
    const { made } = await renderReveal(portal);
    const save = screen.getByTestId("save-to-keyring") as HTMLInputElement;
    await fireEvent.click(save);
    await screen.findByTestId("error-notice");
    expect(save.checked).toBe(true);
    expect(portal.keyring.has(made.key.id)).toBe(true);
    expect(screen.queryByTestId("retry-save")).toBeNull();
  });

  it("closes only after the confirmation, dropping the secret here and in Rust", async () => {
    const { portal, api, ondone, made, secret } = await renderReveal();
    const close = screen.getByTestId("close-reveal");
    expect(close).toBeDisabled();
    expect(close).toHaveAccessibleDescription(/Tick the box first/);

    await fireEvent.click(screen.getByTestId("stored-confirm"));
    expect(close).toBeEnabled();
    await fireEvent.click(close);
    await waitFor(() => expect(ondone).toHaveBeenCalledTimes(1));
    expect(api.closeReveal).toHaveBeenCalledWith(made.key.id);
    expect(portal.reveals.has(made.key.id)).toBe(false);
    expect(document.body.textContent).not.toContain(secret);
  });

  it("stays open and says so when closing fails", async () => {
    const portal = new FakePortal();
    portal.failNext("closeReveal", { code: "internal", message: "Vault busy" });
    const { ondone } = await renderReveal(portal);
    await fireEvent.click(screen.getByTestId("stored-confirm"));
    await fireEvent.click(screen.getByTestId("close-reveal"));
    await screen.findByTestId("error-notice");
    expect(ondone).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("close-reveal"));
    await waitFor(() => expect(ondone).toHaveBeenCalledTimes(1));
  });

  it("tells Rust to drop the secret when it goes away without being closed", async () => {
    const { portal, api, made, view } = await renderReveal();
    view.unmount();
    await waitFor(() => expect(api.closeReveal).toHaveBeenCalledWith(made.key.id));
    expect(portal.reveals.has(made.key.id)).toBe(false);
  });

  describe("copies made without the Copy button", () => {
    /** What a copy event carries: a clipboard the test can look at. */
    function clipboardData() {
      const data = new Map<string, string>();
      return {
        data,
        setData: vi.fn((type: string, value: string) => void data.set(type, value)),
        getData: (type: string) => data.get(type) ?? "",
        clearData: vi.fn(),
        types: [] as string[],
      };
    }

    function select(node: Node) {
      const selection = document.getSelection()!;
      selection.removeAllRanges();
      selection.selectAllChildren(node);
    }

    afterEach(() => document.getSelection()?.removeAllRanges());

    it("turns select-all then copy into Rust's copy, with its countdown", async () => {
      vi.useFakeTimers();
      const { portal, api, made, secret } = await renderReveal();
      await fireEvent.click(screen.getByTestId("reveal-toggle"));
      select(document.body);
      expect(document.getSelection()!.toString()).toContain(secret);
      const clipboard = clipboardData();
      // Ctrl+A, Ctrl+C: the copy event goes to where the selection starts.
      const notCancelled = await fireEvent.copy(document.body, { clipboardData: clipboard });
      await vi.advanceTimersByTimeAsync(0);
      expect(notCancelled, "the webview's own copy must be cancelled").toBe(false);
      expect(clipboard.setData).not.toHaveBeenCalled();
      expect(api.copyRevealed).toHaveBeenCalledWith(made.key.id);
      expect(portal.clipboard).toBe(secret);
      expect(screen.getByTestId("clipboard-countdown")).toHaveTextContent(
        "Clipboard clears in 30 s",
      );
    });

    it("turns a copy or cut on the secret itself into Rust's copy, masked or not", async () => {
      const { api, made } = await renderReveal();
      const value = screen.getByTestId("secret-value");
      select(value);
      expect(await fireEvent.copy(value, { clipboardData: clipboardData() })).toBe(false);
      await waitFor(() => expect(api.copyRevealed).toHaveBeenCalledTimes(1));
      await fireEvent.click(screen.getByTestId("reveal-toggle"));
      select(value);
      expect(await fireEvent.cut(value, { clipboardData: clipboardData() })).toBe(false);
      await waitFor(() => expect(api.copyRevealed).toHaveBeenCalledTimes(2));
      expect(api.copyRevealed).toHaveBeenLastCalledWith(made.key.id);
      expect(await screen.findByTestId("clipboard-countdown")).toBeInTheDocument();
    });

    it("leaves a copy of other text alone", async () => {
      const { api } = await renderReveal();
      select(screen.getByText(/will never be shown again/));
      expect(await fireEvent.copy(document.body, { clipboardData: clipboardData() })).toBe(true);
      expect(api.copyRevealed).not.toHaveBeenCalled();
    });

    it("offers no context menu on the secret and lets nobody drag it out", async () => {
      await renderReveal();
      const value = screen.getByTestId("secret-value");
      expect(await fireEvent.contextMenu(value)).toBe(false);
      select(document.body);
      expect(await fireEvent.dragStart(document.body)).toBe(false);
      // The field keeps its name for screen readers.
      expect(value).toHaveAccessibleName(/^Secret key, hidden\. It starts with pk_test_/);
    });

    it("stops guarding once the step is gone", async () => {
      const { api, view } = await renderReveal();
      view.unmount();
      select(document.body);
      expect(await fireEvent.copy(document.body, { clipboardData: clipboardData() })).toBe(true);
      expect(api.copyRevealed).not.toHaveBeenCalled();
    });
  });

  it("puts focus on Copy when it appears", async () => {
    await renderReveal();
    expect(screen.getByTestId("copy-secret")).toHaveFocus();
  });
});

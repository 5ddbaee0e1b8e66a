import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import AddKeyDialog from "./AddKeyDialog.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";

/** A key made on "another computer": the server knows it, this keyring does not. */
async function keyMadeElsewhere(portal: FakePortal) {
  const made = await portal.api.createKey({
    label: "Billing worker",
    environment: "live",
    preset: "limited",
    customer: null,
    expires_at: null,
    save: false,
  });
  await portal.api.closeReveal(made.key.id);
  return { key: made.key, secret: made.reveal.secret };
}

function renderDialog(portal = new FakePortal()) {
  const api = fakeApi({}, portal);
  const onclose = vi.fn();
  const view = render(AddKeyDialog, { props: { api, open: true, onclose } });
  return { portal, api, onclose, view };
}

const paste = (value: string) =>
  fireEvent.input(screen.getByTestId("paste-secret"), { target: { value } });
const help = () => screen.getByTestId("paste-help");
const HEX = "0123456789abcdef".repeat(4);

describe("AddKeyDialog", () => {
  it("takes the secret in a hidden field that can be shown", async () => {
    renderDialog();
    const input = screen.getByTestId("paste-secret");
    expect(input).toHaveFocus();
    expect(input).toHaveAttribute("type", "password");
    expect(input).toHaveAccessibleName("Secret key");
    const show = screen.getByTestId("paste-show");
    expect(show).toHaveAttribute("aria-pressed", "false");
    await fireEvent.click(show);
    expect(input).toHaveAttribute("type", "text");
    expect(show).toHaveAttribute("aria-pressed", "true");
  });

  it("checks the pasted text as it is typed", async () => {
    renderDialog();
    const submit = screen.getByTestId("add-key-submit");
    expect(submit).toBeDisabled();
    expect(submit).toHaveAccessibleDescription("Paste a whole key to add it.");

    await paste("sk_live_123");
    expect(help()).toHaveTextContent("API keys start with pk_live_ or pk_test_.");
    expect(screen.getByTestId("paste-secret")).toHaveAttribute("aria-invalid", "true");

    await paste("pk_live_abc");
    expect(help()).toHaveTextContent("After pk_live_ come 64 characters; this key has 3.");

    await paste(`pk_test_${HEX.slice(0, 60)}zzzz`);
    expect(help()).toHaveTextContent(
      "Only the digits 0–9 and the letters a–f may follow pk_test_.",
    );

    await paste(`pk_test_${HEX.toUpperCase()}`);
    expect(help()).toHaveTextContent("lowercase");
    expect(submit).toBeDisabled();

    await paste(`  pk_live_${HEX}\n`);
    expect(help()).toHaveTextContent("Looks like a live key.");
    expect(help()).toHaveTextContent("LIVE");
    expect(screen.getByTestId("paste-secret")).not.toHaveAttribute("aria-invalid");
    expect(submit).toBeEnabled();

    await paste(`pk_test_${HEX}`);
    expect(help()).toHaveTextContent("Looks like a test key.");
  });

  it("verifies and stores the key, shows which key it is, and hands it back", async () => {
    const portal = new FakePortal();
    const { key, secret } = await keyMadeElsewhere(portal);
    const { api, onclose } = renderDialog(portal);
    expect(portal.keyring.has(key.id)).toBe(false);

    await paste(` ${secret} `);
    await fireEvent.click(screen.getByTestId("add-key-submit"));
    const result = await screen.findByTestId("add-key-result");
    expect(api.addExistingKey).toHaveBeenCalledWith(secret);
    expect(portal.keyring.get(key.id)).toBe(secret);
    expect(screen.getByTestId("added-label")).toHaveTextContent("Billing worker");
    expect(result).toHaveTextContent("LIVE");
    expect(screen.getByTestId("added-preset")).toHaveTextContent("Limited");
    expect(screen.queryByTestId("paste-secret")).toBeNull();
    expect(screen.getByTestId("add-key-done")).toHaveFocus();

    await fireEvent.click(screen.getByTestId("add-key-done"));
    expect(onclose).toHaveBeenCalledWith({ key, stored: true });
  });

  it("hands the key back when closed with Esc after success", async () => {
    const portal = new FakePortal();
    const { key, secret } = await keyMadeElsewhere(portal);
    const { onclose } = renderDialog(portal);
    await paste(secret);
    await fireEvent.click(screen.getByTestId("add-key-submit"));
    await screen.findByTestId("add-key-result");
    await fireEvent.keyDown(screen.getByTestId("add-key-done"), { key: "Escape" });
    expect(onclose).toHaveBeenCalledWith({ key, stored: true });
  });

  it("says the server refused a key it does not accept", async () => {
    const { portal, onclose } = renderDialog();
    await paste(`pk_live_${HEX}`);
    await fireEvent.click(screen.getByTestId("add-key-submit"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "unauthorized");
    expect(notice).toHaveTextContent("The server refused this key");
    expect(notice).toHaveTextContent("revoked or expired");
    expect(screen.getByTestId("error-request-id")).toHaveTextContent(/^req_/);
    expect(portal.keyring.size).toBe(2);
    expect(onclose).not.toHaveBeenCalled();

    // Editing the text clears the refusal.
    await paste(`pk_live_${HEX.slice(1)}0`);
    expect(screen.queryByTestId("error-notice")).toBeNull();
  });

  it("marks the field when the server says the key is not one it can add", async () => {
    const portal = new FakePortal();
    portal.failNext("addExistingKey", {
      code: "invalid_request",
      message: "This key belongs to Globex, not to the partner you are signed in to",
      field: "secret",
    });
    renderDialog(portal);
    await paste(`pk_test_${HEX}`);
    await fireEvent.click(screen.getByTestId("add-key-submit"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveTextContent("belongs to Globex");
    expect(notice).toHaveTextContent("Secret key");
    const input = screen.getByTestId("paste-secret");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input.getAttribute("aria-describedby")).toContain(notice.id);
  });

  it("shows progress while checking and cannot be closed meanwhile", async () => {
    let finish!: () => void;
    const portal = new FakePortal();
    const { secret } = await keyMadeElsewhere(portal);
    const api = fakeApi(
      {
        addExistingKey: (text) =>
          new Promise((resolve) => {
            finish = () => resolve(portal.api.addExistingKey(text));
          }),
      },
      portal,
    );
    const onclose = vi.fn();
    render(AddKeyDialog, { props: { api, open: true, onclose } });
    await paste(secret);
    await fireEvent.click(screen.getByTestId("add-key-submit"));
    const submit = screen.getByTestId("add-key-submit");
    expect(submit).toBeDisabled();
    expect(submit).toHaveAttribute("aria-busy", "true");
    await fireEvent.keyDown(screen.getByTestId("paste-secret"), { key: "Escape" });
    expect(onclose).not.toHaveBeenCalled();
    finish();
    await screen.findByTestId("add-key-result");
  });

  it("cancels with nothing added, and forgets what was pasted", async () => {
    const { onclose, view } = renderDialog();
    await paste(`pk_test_${HEX}`);
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onclose).toHaveBeenCalledWith(null);
    await view.rerender({ open: false });
    await view.rerender({ open: true });
    await waitFor(() => expect(screen.getByTestId("paste-secret")).toHaveValue(""));
  });
});

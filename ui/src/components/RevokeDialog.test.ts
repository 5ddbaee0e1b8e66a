import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import RevokeDialog from "./RevokeDialog.svelte";
import { FakePortal, apiKey, fakeApi } from "../testing/fake-api";

function setup(key = apiKey(), stored = true) {
  const portal = new FakePortal();
  const api = fakeApi({}, portal);
  const onclose = vi.fn();
  const view = render(RevokeDialog, { props: { api, open: true, key, stored, onclose } });
  return { portal, api, onclose, ...view };
}

describe("RevokeDialog", () => {
  it("says what revoking does, for this key", () => {
    setup();
    const dialog = screen.getByRole("dialog", { name: "Revoke this key?" });
    expect(dialog).toHaveTextContent("Production backend");
    expect(dialog).toHaveTextContent("pk_live_3f9c2a7d1b8e4c60…9a1f");
    expect(dialog).toHaveTextContent("It stops working at once.");
    expect(dialog).toHaveTextContent("401 Unauthorized");
    expect(dialog).toHaveTextContent("This cannot be undone.");
    expect(dialog).toHaveTextContent("rotate it instead");
    expect(dialog).toHaveTextContent("Its secret is removed from this computer's keyring.");
  });

  it("says the replacement keeps working for a rotated key", () => {
    setup(apiKey({ replaced_by: "key_01NEW" }), false);
    const dialog = screen.getByTestId("revoke-dialog");
    expect(dialog).toHaveTextContent("Its replacement from the rotation keeps working.");
    expect(dialog).not.toHaveTextContent("keyring");
  });

  it("wakes up only for the exact label, and Enter revokes", async () => {
    const { portal, onclose } = setup();
    const input = screen.getByLabelText("Type Production backend to confirm");
    const submit = screen.getByTestId("revoke-submit");
    await fireEvent.input(input, { target: { value: "production backend" } });
    expect(submit).toBeDisabled();
    await fireEvent.submit(input.closest("form")!);
    expect(portal.keys[0]!.status).toBe("active");

    await fireEvent.input(input, { target: { value: "  Production backend " } });
    expect(submit).toBeEnabled();
    await fireEvent.submit(input.closest("form")!);
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    expect(onclose.mock.calls[0]![0]).toMatchObject({ id: "key_01LIVE", status: "revoked" });
    expect(portal.keyring.has("key_01LIVE")).toBe(false);
  });

  it("cancels with Esc and with Cancel, revoking nothing", async () => {
    const { api, onclose } = setup();
    await fireEvent.keyDown(screen.getByTestId("revoke-confirm-label"), { key: "Escape" });
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onclose).toHaveBeenCalledTimes(2);
    expect(onclose).toHaveBeenCalledWith(null);
    expect(api.revokeKey).not.toHaveBeenCalled();
  });

  it("starts empty again when reopened", async () => {
    const { rerender } = setup();
    await fireEvent.input(screen.getByTestId("revoke-confirm-label"), {
      target: { value: "Production backend" },
    });
    await rerender({ open: false });
    await rerender({ open: true });
    expect(screen.getByTestId("revoke-confirm-label")).toHaveValue("");
    expect(screen.getByTestId("revoke-submit")).toBeDisabled();
  });
});

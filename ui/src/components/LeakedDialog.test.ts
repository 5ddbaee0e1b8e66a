import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import LeakedDialog from "./LeakedDialog.svelte";
import { FakePortal, apiKey, fakeApi } from "../testing/fake-api";
import type { Rotated } from "../lib/api";

function setup() {
  const portal = new FakePortal();
  const api = fakeApi({}, portal);
  const onclose = vi.fn<(result: Rotated | null) => void>();
  render(LeakedDialog, { props: { api, open: true, key: apiKey(), onclose, clearSeconds: 12 } });
  return { portal, api, onclose };
}

describe("LeakedDialog", () => {
  it("explains what will happen before anything does", async () => {
    const { api, onclose } = setup();
    const dialog = screen.getByRole("dialog", { name: "Key leaked: replace it now" });
    expect(dialog).toHaveTextContent("make a new key with the same label, permissions and scope");
    expect(dialog).toHaveTextContent("revoke the leaked key at once");
    expect(dialog).toHaveTextContent("clear the clipboard");
    expect(dialog).toHaveTextContent("record the incident");
    await fireEvent.keyDown(dialog, { key: "Escape" });
    expect(onclose).toHaveBeenCalledWith(null);
    expect(api.keyLeaked).not.toHaveBeenCalled();
  });

  it("shows the new secret once, keeps it until confirmed, then the checklist", async () => {
    const { portal, onclose } = setup();
    portal.clipboard = "pk_live_old";
    await fireEvent.click(screen.getByTestId("leaked-submit"));
    const reveal = await screen.findByTestId("secret-reveal");
    expect(portal.clipboard).toBeNull();
    expect(reveal).toHaveTextContent("12 s later");

    // The dialog's × goes through the reveal step's own check: not closed before confirming.
    await fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(screen.getByTestId("secret-reveal")).toBeVisible();
    expect(onclose).not.toHaveBeenCalled();

    await fireEvent.click(within(reveal).getByTestId("stored-confirm"));
    await fireEvent.click(within(reveal).getByTestId("close-reveal"));
    const checklist = await screen.findByTestId("leaked-checklist");
    const dialog = screen.getByRole("dialog", { name: "Finish the clean-up" });
    expect(dialog).toHaveTextContent("Revoked pk_live_3f9c2a7d1b8e4c60…9a1f");
    expect(dialog).toHaveTextContent("saved on this computer");
    const boxes = within(checklist).getAllByRole("checkbox");
    expect(boxes[0]).toHaveFocus();
    await fireEvent.click(boxes[0]!);
    expect(boxes[0]).toBeChecked();

    await fireEvent.click(screen.getByTestId("leaked-done"));
    expect(onclose).toHaveBeenCalledTimes(1);
    const result = onclose.mock.calls[0]![0]!;
    expect(result.replaced.status).toBe("revoked");
    expect(portal.keyring.has(result.key.id)).toBe(true);
    // The secret is not handed on: it lived only in the reveal step.
    expect(result.reveal.secret).toBe("");
    await waitFor(() => expect(portal.reveals.size).toBe(0));
  });
});

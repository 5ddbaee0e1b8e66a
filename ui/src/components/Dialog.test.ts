import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { createRawSnippet } from "svelte";
import Dialog from "./Dialog.svelte";

const html = (markup: string) => createRawSnippet(() => ({ render: () => markup }));

const body = html(
  `<div><p>Some words first.</p><label for="name">Name</label><input id="name" /></div>`,
);
const footer = html(`<div><button type="button">Cancel</button></div>`);

describe("Dialog", () => {
  it("renders nothing while closed", () => {
    render(Dialog, { props: { open: false, title: "Hello", onclose: () => {}, children: body } });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("is named by its heading and puts focus on the first field", () => {
    render(Dialog, {
      props: {
        open: true,
        title: "Rename key",
        onclose: () => {},
        children: body,
        footer,
        testid: "d",
      },
    });
    const dialog = screen.getByTestId("d");
    expect(dialog.tagName).toBe("DIALOG");
    expect(dialog).toHaveAttribute("open");
    expect(screen.getByRole("dialog", { name: "Rename key" })).toBe(dialog);
    expect(screen.getByLabelText("Name")).toHaveFocus();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeVisible();
  });

  it("asks to close on Esc and on the close button, once each", async () => {
    const onclose = vi.fn();
    render(Dialog, { props: { open: true, title: "T", onclose, children: body } });
    await fireEvent.keyDown(screen.getByLabelText("Name"), { key: "Escape" });
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onclose).toHaveBeenCalledTimes(2);
    // A native cancel (the browser's own Esc handling) goes the same way.
    await fireEvent(screen.getByRole("dialog"), new Event("cancel", { cancelable: true }));
    expect(onclose).toHaveBeenCalledTimes(3);
  });

  it("cannot be dismissed while not dismissible", async () => {
    const onclose = vi.fn();
    render(Dialog, {
      props: { open: true, title: "T", onclose, children: body, dismissible: false },
    });
    expect(screen.queryByRole("button", { name: "Close" })).toBeNull();
    await fireEvent.keyDown(screen.getByRole("dialog"), { key: "Escape" });
    expect(onclose).not.toHaveBeenCalled();
  });

  it("gives focus back to the opener when it closes", async () => {
    const opener = document.createElement("button");
    opener.textContent = "Open";
    document.body.append(opener);
    opener.focus();
    const { rerender } = render(Dialog, {
      props: { open: true, title: "T", onclose: () => {}, children: body },
    });
    expect(screen.getByLabelText("Name")).toHaveFocus();
    await rerender({ open: false });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(opener).toHaveFocus();
    opener.remove();
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Settings from "./Settings.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";
import { applyTheme } from "../lib/settings.svelte";

afterEach(() => {
  delete document.documentElement.dataset.theme;
});

async function renderSettings(portal = new FakePortal(), onsaved = vi.fn()) {
  const api = fakeApi({}, portal);
  const view = render(Settings, { props: { api, onsaved } });
  await screen.findByTestId("save-settings");
  return { api, portal, view, onsaved };
}

describe("Settings", () => {
  it("shows the saved settings", async () => {
    const portal = new FakePortal();
    portal.settings = {
      server: { kind: "remote", base_url: "https://api.peeker.ai" },
      clipboard_clear_seconds: 45,
      idle_lock_minutes: 15,
      theme: "dark",
    };
    await renderSettings(portal);
    expect(screen.getByTestId("setting-server-remote")).toBeChecked();
    expect(screen.getByTestId("setting-base-url")).toHaveValue("https://api.peeker.ai");
    expect(screen.getByTestId("setting-clipboard")).toHaveValue(45);
    expect(screen.getByTestId("setting-clipboard")).toHaveAccessibleName(
      "Clear a copied secret after",
    );
    expect(screen.getByTestId("setting-idle")).toHaveValue(15);
    expect(screen.getByTestId("setting-idle")).toHaveAccessibleName("Lock the app after");
    expect(screen.getByTestId("setting-theme")).toHaveValue("dark");
    expect(screen.getByTestId("setting-theme")).toHaveAccessibleName("Theme");
  });

  it("saves every field and says so", async () => {
    const { portal, onsaved } = await renderSettings();
    await fireEvent.click(screen.getByTestId("setting-server-remote"));
    await fireEvent.input(screen.getByTestId("setting-base-url"), {
      target: { value: " https://partner.example " },
    });
    await fireEvent.input(screen.getByTestId("setting-clipboard"), { target: { value: "90" } });
    await fireEvent.input(screen.getByTestId("setting-idle"), { target: { value: "20" } });
    await fireEvent.change(screen.getByTestId("setting-theme"), { target: { value: "light" } });
    await fireEvent.click(screen.getByTestId("save-settings"));

    await waitFor(() => expect(screen.getByTestId("settings-saved")).toHaveTextContent("saved"));
    const expected = {
      server: { kind: "remote", base_url: "https://partner.example" },
      clipboard_clear_seconds: 90,
      idle_lock_minutes: 20,
      theme: "light",
    };
    expect(portal.settings).toEqual(expected);
    expect(onsaved).toHaveBeenCalledWith(expected);
    expect(document.documentElement.dataset.theme).toBe("light");

    // Changing the form again takes the confirmation away.
    await fireEvent.input(screen.getByTestId("setting-idle"), { target: { value: "21" } });
    expect(screen.getByTestId("settings-saved")).toHaveTextContent("");
  });

  it("shows the server's field error on the field, and focuses it", async () => {
    const { portal, onsaved } = await renderSettings();
    const clipboard = screen.getByTestId("setting-clipboard");
    await fireEvent.input(clipboard, { target: { value: "3" } });
    await fireEvent.click(screen.getByTestId("save-settings"));

    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "invalid_request");
    expect(notice).toHaveTextContent("Fix the marked field");
    expect(within(notice).getByTestId("error-field")).toHaveTextContent(
      "Clear a copied secret after",
    );
    expect(notice).toHaveTextContent("Clear the clipboard after 5 to 600 seconds");
    expect(clipboard).toHaveAttribute("aria-invalid", "true");
    expect(clipboard).toHaveAttribute("aria-describedby", notice.id);
    expect(clipboard).toHaveFocus();
    expect(screen.getByTestId("setting-idle")).not.toHaveAttribute("aria-invalid");
    expect(portal.settings.clipboard_clear_seconds).toBe(30);
    expect(onsaved).not.toHaveBeenCalled();
  });

  it("marks the idle time when it is out of range", async () => {
    await renderSettings();
    const idle = screen.getByTestId("setting-idle");
    await fireEvent.input(idle, { target: { value: "500" } });
    await fireEvent.click(screen.getByTestId("save-settings"));
    await waitFor(() => expect(idle).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByTestId("error-notice")).toHaveTextContent("1 to 240 minutes");
  });

  it("marks the base URL when the server refuses it", async () => {
    const portal = new FakePortal();
    portal.failNext("saveSettings", {
      code: "invalid_request",
      message: "The base URL must use https",
      field: "base_url",
    });
    await renderSettings(portal);
    await fireEvent.click(screen.getByTestId("setting-server-remote"));
    const url = screen.getByTestId("setting-base-url");
    await fireEvent.input(url, { target: { value: "http://example.com" } });
    await fireEvent.click(screen.getByTestId("save-settings"));
    await waitFor(() => expect(url).toHaveAttribute("aria-invalid", "true"));
    expect(screen.getByTestId("error-field")).toHaveTextContent("Base URL");
  });

  it("refuses an empty number before asking Rust", async () => {
    const { api } = await renderSettings();
    const clipboard = screen.getByTestId("setting-clipboard");
    await fireEvent.input(clipboard, { target: { value: "" } });
    await fireEvent.click(screen.getByTestId("save-settings"));
    await waitFor(() => expect(clipboard).toHaveAttribute("aria-invalid", "true"));
    expect(api.saveSettings).not.toHaveBeenCalled();
  });

  it("shows a failure that is about no field below the form", async () => {
    const portal = new FakePortal();
    portal.failNext("saveSettings", { code: "internal", message: "disk full" });
    await renderSettings(portal);
    await fireEvent.click(screen.getByTestId("save-settings"));
    expect(await screen.findByTestId("error-notice")).toHaveTextContent("disk full");
    expect(screen.getByTestId("save-settings")).not.toBeDisabled();
  });

  it("applies the theme as soon as it is picked, and puts the saved one back when left unsaved", async () => {
    const { view } = await renderSettings();
    const theme = screen.getByTestId("setting-theme");
    await fireEvent.change(theme, { target: { value: "dark" } });
    expect(document.documentElement.dataset.theme).toBe("dark");
    await fireEvent.change(theme, { target: { value: "system" } });
    expect(document.documentElement).not.toHaveAttribute("data-theme");
    await fireEvent.change(theme, { target: { value: "light" } });
    view.unmount();
    expect(document.documentElement).not.toHaveAttribute("data-theme");
  });

  it("shows a failed read with a way to try again", async () => {
    const portal = new FakePortal();
    portal.failNext("getSettings", { code: "internal", message: "settings unreadable" });
    render(Settings, { props: { api: fakeApi({}, portal) } });
    expect(await screen.findByTestId("error-notice")).toHaveTextContent("settings unreadable");
    await fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByTestId("setting-clipboard")).toHaveValue(30);
  });
});

describe("applyTheme", () => {
  it("sets data-theme for light and dark and removes it to follow the system", () => {
    applyTheme("dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    applyTheme("light");
    expect(document.documentElement.dataset.theme).toBe("light");
    applyTheme("system");
    expect(document.documentElement).not.toHaveAttribute("data-theme");
  });
});

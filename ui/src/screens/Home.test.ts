import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Home from "./Home.svelte";
import { SessionStore } from "../lib/session.svelte";
import { FakePortal, fakeApi, sessionView } from "../testing/fake-api";
import { formatDateTime } from "../lib/format";

async function renderHome(view = sessionView(), portal = new FakePortal()) {
  const api = fakeApi({ currentSession: async () => view }, portal);
  const session = new SessionStore(api);
  await session.load();
  render(Home, { props: { session, view, api } });
  await screen.findByTestId("keys-screen");
  return { session, api, portal };
}

describe("Home", () => {
  // No 2D context in jsdom: charts draw nothing, their text alternative stays.
  beforeEach(() => {
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
  });

  it("shows the partner, the admin, the server and the expiry", async () => {
    await renderHome();
    expect(screen.getByTestId("partner-name")).toHaveTextContent("Acme Analytics");
    expect(screen.getByTestId("admin-name")).toHaveTextContent("Ada Lovelace");
    expect(screen.getByTestId("admin-email")).toHaveTextContent("ada@acme.test");
    expect(screen.getByTestId("server-badge")).toHaveTextContent("Local sandbox");
    expect(screen.getByTestId("server-kind")).toHaveTextContent("Local sandbox");
    expect(screen.getByTestId("server-url")).toHaveTextContent("http://127.0.0.1:43117");
    const expires = screen.getByTestId("session-expires");
    expect(expires).toHaveAttribute("datetime", "2031-05-04T13:30:00Z");
    expect(expires).toHaveTextContent(formatDateTime("2031-05-04T13:30:00Z"));
    expect(expires.textContent).toMatch(/2031/);
  });

  it("reports the signed-in milestone once it has painted", async () => {
    const api = fakeApi();
    const session = new SessionStore(api);
    render(Home, { props: { session, view: sessionView(), api } });
    await waitFor(() => expect(api.reportPainted).toHaveBeenCalledWith("signed_in"));
  });

  it("names a remote server as the Peeker API", async () => {
    await renderHome(
      sessionView({ server: { kind: "remote", base_url: "https://api.peeker.ai" } }),
    );
    expect(screen.getByTestId("server-badge")).toHaveTextContent("Peeker API");
    expect(screen.getByTestId("server-kind")).toHaveTextContent("Peeker API");
    expect(screen.getByTestId("server-url")).toHaveTextContent("https://api.peeker.ai");
  });

  it("signs out", async () => {
    const { session } = await renderHome();
    await fireEvent.click(screen.getByTestId("sign-out"));
    await waitFor(() => expect(session.session).toBeNull());
  });

  it("opens on Keys and moves between Keys, Domains, Activity and Settings", async () => {
    await renderHome();
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(
      within(nav)
        .getAllByRole("button")
        .map((b) => b.dataset.testid),
    ).toEqual(["nav-keys", "nav-domains", "nav-activity", "nav-settings"]);
    expect(screen.getByTestId("nav-keys")).toHaveAttribute("aria-current", "page");

    // Domains browses with the stored live key of the fake and streams its rows in.
    await fireEvent.click(screen.getByTestId("nav-domains"));
    expect(await screen.findByTestId("domains-screen")).toBeVisible();
    await waitFor(() =>
      expect(screen.getByTestId("scan-progress")).toHaveAttribute("data-state", "done"),
    );
    expect(screen.getByTestId("domains-count")).toHaveTextContent("1,250 loaded");

    await fireEvent.click(screen.getByTestId("nav-activity"));
    expect(await screen.findByTestId("activity-screen")).toBeVisible();
    expect(screen.queryByTestId("keys-screen")).toBeNull();
    expect(screen.getByTestId("nav-activity")).toHaveAttribute("aria-current", "page");
    expect(screen.getByTestId("nav-keys")).not.toHaveAttribute("aria-current");

    await fireEvent.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("settings-screen")).toBeVisible();
    expect(screen.getByTestId("nav-settings")).toHaveAttribute("aria-current", "page");

    await fireEvent.click(screen.getByTestId("nav-keys"));
    expect(await screen.findByTestId("keys-screen")).toBeVisible();
  });

  it("opens a key from the list and comes back with Keys or the back button", async () => {
    await renderHome();
    const row = (await screen.findAllByTestId("key-row")).find(
      (r) => r.dataset.keyId === "key_01LIVE",
    )!;
    row.focus();
    await fireEvent.keyDown(row, { key: "Enter" });
    expect(await screen.findByTestId("key-detail")).toBeVisible();
    expect(await screen.findByTestId("key-id")).toHaveTextContent("key_01LIVE");

    await fireEvent.click(screen.getByTestId("nav-keys"));
    expect(await screen.findByTestId("keys-screen")).toBeVisible();

    await fireEvent.click((await screen.findAllByTestId("key-row"))[0]!);
    await fireEvent.click(await screen.findByTestId("back-to-keys"));
    expect(await screen.findByTestId("keys-screen")).toBeVisible();
  });

  it("opens a key's activity from its detail", async () => {
    const { api } = await renderHome();
    // Newest first: the test key, then the live one.
    await fireEvent.click((await screen.findAllByTestId("key-row"))[1]!);
    await fireEvent.click(await screen.findByRole("button", { name: "See this key's activity" }));
    expect(await screen.findByTestId("activity-screen")).toBeVisible();
    expect(screen.getByTestId("nav-activity")).toHaveAttribute("aria-current", "page");
    await waitFor(() =>
      expect(api.activity).toHaveBeenCalledWith("key_01LIVE", expect.any(Number)),
    );
  });

  it("opens and closes the request log", async () => {
    await renderHome();
    const toggle = screen.getByTestId("request-log-toggle");
    expect(toggle).toHaveAttribute("aria-pressed", "false");
    await fireEvent.click(toggle);
    expect(await screen.findByTestId("request-log")).toBeVisible();
    expect(toggle).toHaveAttribute("aria-pressed", "true");
    await fireEvent.click(toggle);
    await waitFor(() => expect(screen.queryByTestId("request-log")).toBeNull());
  });

  it("locks on demand behind the idle lock, with the saved idle time read", async () => {
    const portal = new FakePortal();
    portal.settings.idle_lock_minutes = 15;
    const { api } = await renderHome(sessionView(), portal);
    await waitFor(() => expect(api.getSettings).toHaveBeenCalled());
    await fireEvent.click(screen.getByTestId("lock-now"));
    expect(await screen.findByTestId("lock-screen")).toBeVisible();
    expect(api.lockApp).toHaveBeenCalled();
    expect(screen.queryByTestId("keys-screen")).toBeNull();
    expect(portal.locked).toBe(true);
  });
});

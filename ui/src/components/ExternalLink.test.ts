import { describe, expect, it } from "vitest";
import { createRawSnippet } from "svelte";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import ExternalLink from "./ExternalLink.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";

const DOCS = "https://docs.peeker.ai";
const words = createRawSnippet(() => ({ render: () => "<span>The docs</span>" }));

function renderLink(portal = new FakePortal()) {
  const api = fakeApi({}, portal);
  render(ExternalLink, { props: { api, href: DOCS, children: words } });
  return { api, portal, link: screen.getByRole("link", { name: /The docs/ }) };
}

describe("ExternalLink", () => {
  it("opens the page in the system browser through Rust, never in the app's window", async () => {
    const { api, portal, link } = renderLink();
    expect(link).toHaveAttribute("href", DOCS);
    expect(link).toHaveAccessibleName("The docs (opens in your browser)");
    expect(await fireEvent.click(link), "the webview must not follow the link").toBe(false);
    expect(api.openExternal).toHaveBeenCalledWith(DOCS);
    await waitFor(() => expect(portal.opened).toEqual([DOCS]));
  });

  it("opens on a middle click too, instead of a new window", async () => {
    const { api, link } = renderLink();
    const middle = new MouseEvent("auxclick", { button: 1, bubbles: true, cancelable: true });
    expect(await fireEvent(link, middle)).toBe(false);
    expect(api.openExternal).toHaveBeenCalledWith(DOCS);
  });

  it("says why when the browser could not be opened, and clears that once it opens", async () => {
    const portal = new FakePortal();
    portal.failNext("openExternal", { code: "internal", message: "No browser is set up" });
    const { link } = renderLink(portal);
    await fireEvent.click(link);
    expect(await screen.findByTestId("error-notice")).toHaveTextContent("No browser is set up");
    await fireEvent.click(link);
    await waitFor(() => expect(screen.queryByTestId("error-notice")).toBeNull());
    expect(portal.opened).toEqual([DOCS]);
  });
});

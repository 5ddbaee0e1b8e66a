/**
 * Browser tests of the reveal step's copy guard: however the admin copies the new secret
 * (select-all and Ctrl+C, a copy event on the field, the context menu), the webview writes
 * nothing and Rust's `copy_revealed` runs instead, with its clear countdown.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserSession } from "./harness";
import type { PortalWindow } from "./harness";

const session = browserSession();
const inPage = session.inPage;

/** What the page saw of each copy event, once every handler had run. */
type SeenCopy = { prevented: boolean; types: string[]; text: string };
type GuardWindow = PortalWindow & { __copies: SeenCopy[]; __menus: boolean[] };

/** Opens the reveal of a new key, and records copy and context-menu events from then on. */
async function openReveal(): Promise<{ page: Page; keyId: string; secret: string }> {
  const { page, context } = await session.open();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByTestId("create-key").click();
  await page.getByTestId("key-label").fill("Copy guard");
  for (let i = 0; i < 4; i += 1) await page.getByTestId("wizard-next").click();
  await page.getByTestId("wizard-create").click();
  await page.getByTestId("secret-reveal").waitFor();
  const { keyId, secret } = await inPage((w) => {
    const [entry] = [...w.__portal.reveals];
    return { keyId: entry![0], secret: entry![1] };
  });
  await inPage((w) => {
    const page = w as GuardWindow;
    page.__copies = [];
    page.__menus = [];
    // Bubbling to the window: runs after the app's own handlers.
    w.addEventListener("copy", (event) => {
      const data = event.clipboardData!;
      page.__copies.push({
        prevented: event.defaultPrevented,
        types: [...data.types],
        text: data.getData("text/plain"),
      });
    });
    w.addEventListener("contextmenu", (event) => page.__menus.push(event.defaultPrevented));
  });
  return { page, keyId, secret };
}

const copiesSeen = () => inPage((w) => (w as GuardWindow).__copies);
const rustCopies = () =>
  inPage((w) => w.__ipcCalls.filter((c) => c.cmd === "copy_revealed").map((c) => c.args));

describe("The reveal step's copy guard", () => {
  it("sends select-all and Ctrl+C through Rust's copy", async () => {
    const { page, keyId, secret } = await openReveal();
    await page.getByTestId("reveal-toggle").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Control+C");

    await page.getByTestId("clipboard-countdown").waitFor();
    expect(await page.getByTestId("clipboard-countdown").textContent()).toContain(
      "Clipboard clears in 30 s",
    );
    expect(await rustCopies()).toEqual([{ keyId }]);
    expect(await inPage((w) => w.__portal.clipboard)).toBe(secret);
    const [seen] = await copiesSeen();
    expect(seen, "the copy event reached the page").toBeDefined();
    expect(seen!.prevented, "the webview's own copy is cancelled").toBe(true);
    expect(seen!.types).toEqual([]);
    expect(seen!.text).not.toContain(secret);
    // The webview's clipboard (in the real app, the system's) never got the secret.
    const system = await page.evaluate(() => navigator.clipboard.readText().catch(() => ""));
    expect(system).not.toContain(secret);
  });

  it("sends a copy event on the secret through Rust's copy", async () => {
    const { page, keyId, secret } = await openReveal();
    const value = page.getByTestId("secret-value");
    const cancelled = await value.evaluate((node) => {
      const event = new ClipboardEvent("copy", {
        bubbles: true,
        cancelable: true,
        clipboardData: new DataTransfer(),
      });
      return !node.dispatchEvent(event);
    });
    expect(cancelled).toBe(true);
    await page.getByTestId("clipboard-countdown").waitFor();
    expect(await rustCopies()).toEqual([{ keyId }]);
    expect((await copiesSeen()).map((c) => c.text)).toEqual([""]);
    expect(await inPage((w) => w.__portal.clipboard)).toBe(secret);
  });

  it("keeps the secret out of mouse selections and offers no context menu on it", async () => {
    const { page, secret } = await openReveal();
    await page.getByTestId("reveal-toggle").click();
    const value = page.getByTestId("secret-value");
    expect(await value.evaluate((node) => getComputedStyle(node).userSelect)).toBe("none");
    await value.click({ clickCount: 3 });
    expect(await page.evaluate(() => document.getSelection()?.toString() ?? "")).not.toContain(
      secret,
    );
    await value.click({ button: "right" });
    expect(await inPage((w) => (w as GuardWindow).__menus)).toEqual([true]);
    expect(await rustCopies()).toEqual([]);
    expect(await value.getAttribute("aria-label")).toBeNull();
    expect(await value.textContent()).toBe(secret);
  });
});

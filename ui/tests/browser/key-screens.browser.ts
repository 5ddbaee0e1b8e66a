/**
 * Browser tests of the key screens: the list (filters, empty state, keyring clean-up), a key's
 * detail (verify, copy, usage), revoke and "key leaked", with the native `<dialog>` of a real
 * browser (focus, Esc). Each state is saved as a screenshot and checked with axe-core.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { browserSession, capture } from "./harness";
import type { App } from "./harness";

const session = browserSession();
const inPage = session.inPage;
let app: App | undefined;

const row = (page: Page, id: string) => page.locator(`[data-testid=key-row][data-key-id="${id}"]`);

async function openKey(page: Page, id: string) {
  await row(page, id).click();
  await page.getByTestId("key-id").waitFor();
  // The chart is drawn once the usage has come back.
  await page.getByTestId("usage-chart").waitFor();
}

describe("Keys", () => {
  it("lists the keys, filters them and cleans the keyring up", async () => {
    app = await session.open();
    const { page } = app;
    await page.getByTestId("keys-screen").waitFor();
    await page.getByTestId("reconcile-notice").waitFor();
    expect(await page.getByTestId("key-row").count()).toBe(3);
    await capture(page, "keys");

    await page.getByTestId("filter-environment").selectOption("live");
    await page.getByTestId("filter-status").selectOption("active");
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=key-row]").length === 1,
    );
    await capture(page, "keys-filtered");
    await page.getByTestId("filter-environment").selectOption("all");
    await page.getByTestId("filter-status").selectOption("all");

    await page.getByTestId("purge-secrets").click();
    await page.getByTestId("purge-done").waitFor();
    expect(await inPage((w) => w.__portal.keyring.has("key_01OLD"))).toBe(false);
    await capture(page, "keys-purged");
  });

  it("says there are no keys yet", async () => {
    app = await session.open({ keys: [], stored: [] });
    await app.page.getByTestId("keys-empty").waitFor();
    await capture(app.page, "keys-empty");
  });

  it("opens a key with the keyboard and goes back", async () => {
    app = await session.open();
    const { page } = app;
    await page.getByTestId("key-row").first().waitFor();
    await row(page, "key_01LIVE").focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("key-detail").waitFor();
    await page.getByTestId("back-to-keys").click();
    await page.getByTestId("keys-screen").waitFor();
    // Back on the list, the key that was open has the focus.
    await page.waitForFunction(
      () => document.activeElement?.getAttribute("data-key-id") === "key_01LIVE",
    );
  });
});

describe("Key detail", () => {
  it("verifies, copies and shows usage", async () => {
    app = await session.open();
    const { page } = app;
    await openKey(page, "key_01LIVE");
    await capture(page, "key-detail");

    await page.getByTestId("verify-key").click();
    await page.getByTestId("verify-result").waitFor();
    expect(await page.getByTestId("verify-result").textContent()).toContain("req_");
    await page.getByTestId("copy-stored").click();
    await page.getByText("Copied; clipboard clears in").waitFor();
    expect(await inPage((w) => w.__portal.clipboard)).toMatch(/^pk_live_/);
    await page.getByTestId("usage-1h").click();
    await page.waitForFunction(() =>
      document
        .querySelector("[data-testid=usage-chart]")
        ?.getAttribute("aria-label")
        ?.includes("per minute"),
    );
    await capture(page, "key-verified");
  });

  it("shows a revoked key's 401 and why nothing more can be done", async () => {
    app = await session.open();
    const { page } = app;
    await openKey(page, "key_01OLD");
    await page.getByTestId("verify-key").click();
    await page.locator("[data-testid=error-notice][data-code=unauthorized]").waitFor();
    expect(await page.getByTestId("rotate-key").isDisabled()).toBe(true);
    await capture(page, "key-verify-refused");
  });

  it("says why Copy is off when this computer lacks the secret", async () => {
    app = await session.open({}, { colorScheme: "dark" });
    const { page } = app;
    await openKey(page, "key_01TEST");
    expect(await page.getByTestId("copy-stored").isDisabled()).toBe(true);
    await page.getByTestId("copy-reason").waitFor();
    await capture(page, "key-detail-dark");
  });

  it("revokes after the label is typed; Esc leaves the dialog first", async () => {
    app = await session.open();
    const { page } = app;
    await openKey(page, "key_01LIVE");

    await page.getByTestId("revoke-key").click();
    await page.getByTestId("revoke-dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("revoke-dialog").waitFor({ state: "detached" });
    await page.waitForFunction(
      () => document.activeElement?.getAttribute("data-testid") === "revoke-key",
    );

    await page.keyboard.press("Enter");
    await page.getByTestId("revoke-dialog").waitFor();
    // Focus went to the label field; the button wakes up only for the exact label.
    await page.keyboard.type("Production backend");
    await capture(page, "revoke-dialog");
    await page.keyboard.press("Enter");
    await page.getByTestId("revoke-dialog").waitFor({ state: "detached" });
    await page.getByTestId("key-inactive").waitFor();
    expect(await inPage((w) => w.__portal.keyring.has("key_01LIVE"))).toBe(false);
    await capture(page, "key-revoked");
  });

  it("replaces a leaked key and lists what to do next", async () => {
    app = await session.open();
    const { page } = app;
    await openKey(page, "key_01LIVE");
    await page.getByTestId("key-leaked").click();
    await page.getByTestId("leaked-dialog").waitFor();
    await capture(page, "leaked-confirm");
    await page.getByTestId("leaked-submit").click();
    await page.getByTestId("secret-reveal").waitFor();
    await page.getByTestId("stored-confirm").check();
    await page.getByTestId("close-reveal").click();
    await page.getByTestId("leaked-checklist").waitFor();
    await capture(page, "leaked-checklist");
    const state = await inPage((w) => {
      const old = w.__portal.keys.find((k) => k.id === "key_01LIVE")!;
      return {
        status: old.status,
        oldStored: w.__portal.keyring.has(old.id),
        newStored: w.__portal.keyring.has(old.replaced_by ?? ""),
      };
    });
    expect(state).toEqual({ status: "revoked", oldStored: false, newStored: true });
    await page.getByTestId("leaked-done").click();
    await page.getByTestId("replaced-by").waitFor();
  });
});

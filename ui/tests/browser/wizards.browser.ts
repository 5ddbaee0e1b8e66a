/**
 * Browser tests of the key wizards: create (every step, the reveal, failures), add an existing
 * key, and rotate (the old key's fate, the reveal, the traffic view, revoking the old key). Each
 * state is saved as a screenshot and checked with axe-core.
 */
import { describe, expect, it } from "vitest";
import { browserSession, capture } from "./harness";
import type { App, AppOptions } from "./harness";
import type { Scenario } from "./scenario";

const session = browserSession();
const inPage = session.inPage;
let app: App | undefined;

async function open(scenario: Scenario = {}, options: AppOptions = {}) {
  app = await session.open(scenario, options);
  await app.page.getByTestId("keys-screen").waitFor();
  return app.page;
}

async function openCreate(scenario: Scenario = {}, options: AppOptions = {}) {
  const page = await open(scenario, options);
  await page.getByTestId("create-key").click();
  await page.getByTestId("create-wizard").waitFor();
  return page;
}

describe("Create key wizard", () => {
  it("walks every step with the keyboard and mouse, then reveals the secret once", async () => {
    const page = await openCreate();
    const label = page.getByTestId("key-label");
    expect(await label.evaluate((el) => el === document.activeElement)).toBe(true);
    await capture(page, "create-1-label");
    await label.fill("x".repeat(70));
    await capture(page, "create-1-label-too-long");
    await label.fill("Deploy bot");
    await label.press("Enter");

    await page.getByTestId("env-live").check();
    await capture(page, "create-2-live-unconfirmed");
    await page.getByTestId("confirm-live").check();
    await page.getByTestId("wizard-next").click();

    await page.getByTestId("preset-limited").check();
    await capture(page, "create-3-preset");
    await page.getByTestId("wizard-next").click();

    await page.getByTestId("scope-customer").check();
    await page.getByTestId("customer-option").first().waitFor();
    await page.getByTestId("customer-search").fill("globex");
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=customer-option]").length === 1,
    );
    await page.getByTestId("customer-option").check();
    await capture(page, "create-4-customer");
    await page.getByTestId("wizard-next").click();

    await page.getByTestId("key-expiry").selectOption("30");
    await capture(page, "create-5-review");
    await page.getByTestId("wizard-create").click();

    const reveal = page.getByTestId("secret-reveal");
    await reveal.waitFor();
    const masked = (await page.getByTestId("secret-value").textContent()) ?? "";
    expect(masked).toMatch(/^pk_live_[0-9a-f]{4}•+[0-9a-f]{4}$/);
    await capture(page, "reveal-masked");

    await page.getByTestId("reveal-toggle").click();
    const secret = ((await page.getByTestId("secret-value").textContent()) ?? "").trim();
    expect(secret).toMatch(/^pk_live_[0-9a-f]{64}$/);
    await page.getByTestId("copy-secret").click();
    await page.getByTestId("clipboard-countdown").waitFor();
    expect(await inPage((w) => w.__portal.clipboard)).toBe(secret);
    await capture(page, "reveal-copied");

    // Esc does not close it before the confirmation; it says why.
    await page.keyboard.press("Escape");
    await page.locator(".why.nudge").waitFor();
    expect(await reveal.isVisible()).toBe(true);
    await capture(page, "reveal-nudged");

    await page.getByTestId("stored-confirm").check();
    await page.getByTestId("close-reveal").click();
    await page.getByTestId("create-wizard").waitFor({ state: "detached" });
    const made = await inPage((w) => ({
      key: w.__portal.keys[0]!,
      stored: w.__portal.keyring.get(w.__portal.keys[0]!.id),
      open: w.__portal.reveals.size,
    }));
    expect(made.key).toMatchObject({
      label: "Deploy bot",
      environment: "live",
      permission_preset: "limited",
      scope: { type: "user", user_id: "usr_01B" },
    });
    expect(made.stored).toBe(secret);
    expect(made.open).toBe(0);
  });

  it("explains a locked keyring on the reveal step and saves on retry", async () => {
    const page = await openCreate();
    await inPage((w) => {
      w.__portal.keyringLocked = true;
    });
    await page.getByTestId("key-label").fill("Locked keyring");
    for (let i = 0; i < 4; i += 1) await page.getByTestId("wizard-next").click();
    await page.getByTestId("wizard-create").click();
    await page.getByTestId("retry-save").waitFor();
    await capture(page, "reveal-keyring-locked");
    await inPage((w) => {
      w.__portal.keyringLocked = false;
    });
    await page.getByTestId("retry-save").click();
    await page.getByTestId("retry-save").waitFor({ state: "detached" });
    expect(await page.getByTestId("save-to-keyring").isChecked()).toBe(true);
  });

  it("takes a duplicate label back to the label step", async () => {
    const page = await openCreate();
    await page.getByTestId("key-label").fill("CI smoke tests");
    for (let i = 0; i < 4; i += 1) await page.getByTestId("wizard-next").click();
    await page.getByTestId("wizard-create").click();
    await page.getByTestId("error-notice").waitFor();
    expect(await page.getByTestId("key-label").getAttribute("aria-invalid")).toBe("true");
    await capture(page, "create-duplicate-label");
  });

  it("offers a customer id when no key of the environment is stored", async () => {
    const page = await openCreate({
      failures: [
        {
          command: "searchCustomers",
          error: { code: "secret_not_stored", message: "No stored partner-wide test key" },
        },
      ],
    });
    await page.getByTestId("key-label").fill("One customer");
    for (let i = 0; i < 3; i += 1) await page.getByTestId("wizard-next").click();
    await page.getByTestId("scope-customer").check();
    await page.getByTestId("type-customer-id").waitFor();
    await capture(page, "create-4-customer-no-key");
    await page.getByTestId("type-customer-id").click();
    await page.getByTestId("customer-id").fill("usr_01C");
    await capture(page, "create-4-customer-id");
  });

  it("looks right in the dark", async () => {
    const page = await openCreate({}, { colorScheme: "dark" });
    await page.getByTestId("key-label").fill("Dark deploys");
    await page.getByTestId("wizard-next").click();
    await page.getByTestId("env-live").check();
    await capture(page, "create-2-live-dark");
    await page.getByTestId("confirm-live").check();
    await page.getByTestId("wizard-next").click();
    await capture(page, "create-3-preset-dark");
    await page.getByTestId("wizard-next").click();
    await page.getByTestId("wizard-next").click();
    await page.getByTestId("wizard-create").click();
    await page.getByTestId("secret-reveal").waitFor();
    await page.getByTestId("copy-secret").click();
    await page.getByTestId("clipboard-countdown").waitFor();
    await capture(page, "reveal-dark");
  });
});

describe("Rotate wizard in the dark", () => {
  it("shows the traffic and the revoke question", async () => {
    const page = await open({}, { colorScheme: "dark" });
    await page.locator("[data-testid=key-row][data-key-id=key_01LIVE]").click();
    await page.getByTestId("rotate-key").click();
    await page.getByTestId("old-revoke").check();
    await capture(page, "rotate-1-revoke-now-dark");
    await page.getByTestId("old-keep").check();
    await page.getByTestId("rotate-submit").click();
    await page.getByTestId("stored-confirm").check();
    await page.getByTestId("close-reveal").click();
    await page.getByTestId("revoke-old").click();
    await page.getByTestId("revoke-old-confirm").waitFor();
    await capture(page, "rotate-3-revoke-confirm-dark");
  });
});

describe("Add existing key", () => {
  it("checks what is pasted, then adds the key", async () => {
    const page = await open();
    const secret = await inPage(async (w) => {
      const made = await w.__portal.api.createKey({
        label: "Billing worker",
        environment: "test",
        preset: "read",
        customer: null,
        expires_at: null,
        save: false,
      });
      await w.__portal.api.closeReveal(made.key.id);
      return made.reveal.secret;
    });
    await page.getByTestId("add-key").click();
    await page.getByTestId("add-key-dialog").waitFor();
    await page.getByTestId("paste-secret").fill("pk_live_abc");
    await capture(page, "add-key-invalid");
    await page.getByTestId("paste-secret").fill(secret);
    await page.getByTestId("paste-show").click();
    await capture(page, "add-key-valid");
    await page.getByTestId("add-key-submit").click();
    await page.getByTestId("add-key-result").waitFor();
    await capture(page, "add-key-added");
    await page.getByTestId("add-key-done").click();
    await page.getByTestId("add-key-dialog").waitFor({ state: "detached" });
  });

  it("says when the server refuses the key", async () => {
    const page = await open();
    await page.getByTestId("add-key").click();
    await page.getByTestId("paste-secret").fill(`pk_live_${"ab".repeat(32)}`);
    await page.getByTestId("add-key-submit").click();
    await page.getByTestId("error-notice").waitFor();
    await capture(page, "add-key-refused");
  });
});

describe("Rotate wizard", () => {
  it("rotates, reveals, watches traffic and revokes the old key", async () => {
    const page = await open();
    await page.locator("[data-testid=key-row][data-key-id=key_01LIVE]").click();
    await page.getByTestId("key-detail").waitFor();
    await page.getByTestId("rotate-key").click();
    await page.getByTestId("rotate-wizard").waitFor();
    await capture(page, "rotate-1-choose");
    await page.getByTestId("old-revoke").check();
    await capture(page, "rotate-1-revoke-now");
    await page.getByTestId("old-expire-24h").check();
    await page.getByTestId("rotate-submit").click();
    await page.getByTestId("secret-reveal").waitFor();
    await capture(page, "rotate-2-reveal");
    await page.getByTestId("stored-confirm").check();
    await page.getByTestId("close-reveal").click();
    await page.getByTestId("traffic-view").waitFor();
    await page.getByTestId("traffic-view").getByTestId("usage-chart").waitFor();
    await page.waitForFunction(
      () =>
        !document.querySelector("[data-testid=traffic-verdict]")?.textContent?.includes("Reading"),
    );
    await capture(page, "rotate-3-traffic");
    await page.getByTestId("revoke-old").click();
    await page.getByTestId("revoke-old-confirm").waitFor();
    await capture(page, "rotate-3-revoke-confirm");
    await page.getByTestId("revoke-old-confirm").click();
    await page.getByText("The old key is revoked").waitFor();
    await capture(page, "rotate-3-revoked");
    expect(await inPage((w) => w.__portal.keys.find((k) => k.id === "key_01LIVE")!.status)).toBe(
      "revoked",
    );
    await page.getByTestId("rotate-done").click();
    await page.getByTestId("rotate-wizard").waitFor({ state: "detached" });
  });
});

/**
 * Browser tests of the shell's own screens: Connect, Activity, the request log, Settings, the
 * lock screen, and the themes. Each state is saved as a screenshot and checked with axe-core.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { browserSession, capture } from "./harness";
import type { App } from "./harness";
import { COMMANDS } from "./commands";
import { UI_DIR } from "./paths";

const session = browserSession();
const inPage = session.inPage;
let app: App | undefined;

describe("the mocked IPC", () => {
  it("routes every command of bindings.ts", () => {
    const bindings = readFileSync(`${UI_DIR}/src/lib/bindings.ts`, "utf8");
    const names = [...bindings.matchAll(/__TAURI_INVOKE(?:<[^>]*>)?\("([a-z_]+)"/g)].map(
      (m) => m[1],
    );
    expect(names.length).toBeGreaterThan(20);
    expect(Object.keys(COMMANDS).sort()).toEqual([...new Set(names)].sort());
  });
});

describe("Connect", () => {
  it("signs in to the sandbox", async () => {
    app = await session.open({ signedIn: false });
    const { page } = app;
    expect(await page.getByTestId("email").inputValue()).toBe("admin@sandbox.test");
    await capture(page, "connect");
    await page.getByTestId("sign-in").click();
    await page.getByTestId("home-screen").waitFor();
    expect(await page.getByTestId("partner-name").textContent()).toContain("Acme Analytics");
  });

  it("opens Peeker's API documentation in the system browser, not in the window", async () => {
    app = await session.open({ signedIn: false });
    const { page } = app;
    await page.getByTestId("server-remote").check();
    const link = page.getByRole("link", { name: /Peeker's API documentation/ });
    await capture(page, "connect-remote");
    const before = page.url();
    await link.click();
    await expect
      .poll(() =>
        inPage((w) => w.__ipcCalls.filter((c) => c.cmd === "open_external").map((c) => c.args)),
      )
      .toEqual([{ url: "https://docs.peeker.ai" }]);
    expect(await inPage((w) => w.__portal.opened)).toEqual(["https://docs.peeker.ai"]);
    expect(page.url()).toBe(before);
    expect(await page.getByTestId("connect-screen").isVisible()).toBe(true);
  });
});

/** Things to show in Activity: a key made and copied, keys verified (one refused), a revoke. */
async function makeHistory() {
  await inPage(async (w) => {
    const api = w.__portal.api;
    const created = await api.createKey({
      label: "Billing sync",
      environment: "test",
      preset: "limited",
      customer: null,
      expires_at: null,
      save: true,
    });
    await api.copyRevealed(created.key.id);
    await api.closeReveal(created.key.id);
    await api.verifyKey("key_01LIVE");
    await api.verifyKey("key_01OLD").catch(() => {});
    await api.revokeKey("key_01TEST");
  });
}

describe("Activity", () => {
  it("lists both logs in plain words, filters by key, copies a request id", async () => {
    app = await session.open();
    const { page } = app;
    await makeHistory();
    await page.getByTestId("nav-activity").click();
    await page.getByTestId("activity-screen").waitFor();
    const items = page.getByTestId("activity-item");
    await items.first().waitFor();
    expect(await items.count()).toBe(5);
    const texts = await items.allTextContents();
    expect(texts[0]).toContain("Key revoked");
    expect(texts.join("\n")).toContain("Verified: accepted in 18 ms");
    expect(texts.join("\n")).toContain("Secret copied from the reveal step");
    await capture(page, "activity");

    await page
      .getByTestId("activity-filter-key")
      .selectOption({ label: "Production backend · LIVE" });
    await page.waitForFunction(
      () => document.querySelectorAll("[data-testid=activity-item]").length === 1,
    );
    await capture(page, "activity-filtered");

    await page.getByTestId("activity-filter-key").selectOption("");
    await items.nth(4).waitFor();
    const copy = items.first().getByTestId("copy-request-id");
    const label = (await copy.getAttribute("aria-label")) ?? "";
    await copy.click();
    await page.getByText("Copied").first().waitFor();
    expect(await inPage((w) => w.__portal.clipboard)).toBe(label.replace("Copy request id ", ""));
  });

  it("says when nothing happened yet", async () => {
    app = await session.open();
    await app.page.getByTestId("nav-activity").click();
    await app.page.getByTestId("activity-empty").waitFor();
    await capture(app.page, "activity-empty");
  });

  it("shows a failed read with its request id", async () => {
    app = await session.open({
      failures: [
        {
          command: "activity",
          error: {
            code: "server",
            message: "audit log unavailable",
            request_id: "req_01JDAUDIT503",
          },
        },
      ],
    });
    await app.page.getByTestId("nav-activity").click();
    await app.page.getByTestId("error-notice").waitFor();
    await capture(app.page, "activity-error");
  });
});

describe("Request log", () => {
  it("shows the requests, copies a request id, closes with Esc", async () => {
    app = await session.open();
    const { page } = app;
    await page.getByTestId("keys-screen").waitFor();
    await inPage(async (w) => {
      const api = w.__portal.api;
      await api.verifyKey("key_01LIVE");
      await api.verifyKey("key_01OLD").catch(() => {});
      const base = w.__portal.log[0]!;
      w.__portal.log.unshift(
        {
          ...base,
          seq: 92,
          method: "GET",
          path: "/api/portal/v1/api_keys/key_01LIVE/usage?window=24h",
          status: 200,
          error: null,
          latency_ms: 38,
          waited_ms: 250,
          request_id: "req_01JD0000000000000000000200",
          attempt: 3,
          started_at: "2026-11-20T10:05:14Z",
        },
        {
          ...base,
          seq: 91,
          method: "GET",
          path: "/api/portal/v1/api_keys/key_01LIVE/usage?window=24h",
          status: 503,
          error: "server",
          latency_ms: 212,
          request_id: "req_01JD0000000000000000000503",
          attempt: 2,
          started_at: "2026-11-20T10:05:12Z",
        },
        {
          ...base,
          seq: 90,
          method: "GET",
          path: "/api/portal/v1/api_keys/key_01LIVE/usage?window=24h",
          status: null,
          error: "timeout",
          latency_ms: 10000,
          request_id: null,
          attempt: 1,
          started_at: "2026-11-20T10:05:01Z",
        },
      );
    });
    const toggle = page.getByTestId("request-log-toggle");
    await toggle.click();
    const panel = page.getByTestId("request-log");
    await panel.waitFor();
    await page.getByTestId("request-log-entry").nth(3).waitFor();
    await capture(page, "request-log");

    await page.getByTestId("request-log-entry").first().getByTestId("copy-request-id").click();
    await page.getByText("Copied").first().waitFor();
    expect(await inPage((w) => w.__portal.clipboard)).toBe("req_01JD0000000000000000000200");

    await page.keyboard.press("Escape");
    await panel.waitFor({ state: "detached" });
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe(
      "request-log-toggle",
    );
  });
});

describe("Settings", () => {
  it("shows a field error on the field, saves, and applies the theme at once", async () => {
    app = await session.open();
    const { page } = app;
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("settings-screen").waitFor();
    await page.getByTestId("setting-clipboard").waitFor();
    await capture(page, "settings");

    await page.getByTestId("setting-clipboard").fill("3");
    await page.getByTestId("save-settings").click();
    await page.getByTestId("error-notice").waitFor();
    expect(await page.getByTestId("setting-clipboard").getAttribute("aria-invalid")).toBe("true");
    await capture(page, "settings-field-error");

    await page.getByTestId("setting-clipboard").fill("45");
    await page.getByTestId("setting-idle").fill("10");
    await page.getByTestId("setting-theme").selectOption("dark");
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await page.getByTestId("save-settings").click();
    await page.getByText("Settings saved").waitFor();
    expect(await inPage((w) => w.__portal.settings)).toEqual({
      server: { kind: "sandbox" },
      clipboard_clear_seconds: 45,
      idle_lock_minutes: 10,
      theme: "dark",
    });
    await capture(page, "settings-saved-dark");
  });
});

describe("Lock", () => {
  it("locks after the idle time, refuses a wrong password, unlocks", async () => {
    app = await session.open({ settings: { idle_lock_minutes: 5 } }, { clock: "manual" });
    const { page } = app;
    await page.getByTestId("keys-screen").waitFor();
    await page.clock.runFor(4 * 60_000);
    expect(await page.getByTestId("lock-screen").count()).toBe(0);
    await page.clock.runFor(60_000 + 1000);
    await page.getByTestId("lock-screen").waitFor();
    expect(await page.getByTestId("keys-screen").count()).toBe(0);
    expect(await inPage((w) => w.__portal.locked)).toBe(true);
    await capture(page, "lock");

    await page.getByTestId("unlock-password").fill("not-the-password");
    await page.getByTestId("unlock-submit").click();
    await page.getByText("Email or password is not right").waitFor();
    await capture(page, "lock-wrong-password");

    await page.getByTestId("unlock-password").fill("sandbox-pass-123");
    await page.keyboard.press("Enter");
    await page.getByTestId("keys-screen").waitFor();
    expect(await inPage((w) => w.__portal.locked)).toBe(false);
  });

  it("locks at once from the shell's Lock button", async () => {
    app = await session.open();
    await app.page.getByTestId("lock-now").click();
    await app.page.getByTestId("lock-screen").waitFor();
    expect(await app.page.getByTestId("lock-reason").textContent()).toContain("You locked it.");
  });
});

describe("Keys", () => {
  it("shows a failed list with its request id", async () => {
    app = await session.open({
      failures: [
        {
          command: "listKeys",
          error: {
            code: "server",
            message: "Internal error",
            request_id: "req_01JDKEYS00000000000000500",
          },
        },
      ],
    });
    await app.page.getByTestId("keys-screen").waitFor();
    await app.page.getByTestId("error-notice").waitFor();
    expect(await app.page.getByTestId("error-request-id").textContent()).toBe(
      "req_01JDKEYS00000000000000500",
    );
    await capture(app.page, "keys-error");
  });
});

describe("Themes", () => {
  it("draws Keys dark when the OS is dark", async () => {
    app = await session.open({}, { colorScheme: "dark" });
    await app.page.getByTestId("key-row").first().waitFor();
    await capture(app.page, "keys-dark");
  });

  it("draws Keys dark when the setting says dark on a light OS", async () => {
    app = await session.open({ settings: { theme: "dark" } }, { colorScheme: "light" });
    const { page } = app;
    // The saved theme is applied where the shell applies it; Settings applies it at once.
    await page.getByTestId("nav-settings").click();
    await page.getByTestId("setting-theme").selectOption("dark");
    await page.getByTestId("save-settings").click();
    await page.getByText("Settings saved").waitFor();
    await page.getByTestId("nav-keys").click();
    await page.getByTestId("key-row").first().waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    await capture(page, "keys-dark-setting");
  });
});

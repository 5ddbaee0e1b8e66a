/**
 * Browser tests of the Domains screen: no browsing key yet, a scan streaming in (pause and
 * resume), the loaded table (sort, search, chips, charts), a failed scan resumed, a rate-limit
 * wait, what a key's preset forbids (and a 403 in the same words), the detail drawer,
 * availability, forwarding, the customers and the CSV export. Each state is saved as a
 * screenshot in the light and the dark theme and checked with axe-core.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { Domain, User } from "../../src/lib/api";
import type { ServerFilter } from "../../src/lib/domains.svelte";
import { PRESET_NEEDED } from "../../src/lib/errors";
import { apiKey, defaultKeys } from "../../src/testing/fake-portal";
import { browserSession, capture } from "./harness";
import type { App, AppOptions } from "./harness";
import type { Scenario } from "./scenario";

const session = browserSession();
const inPage = session.inPage;
let app: App | undefined;

/** Counts as the page writes them (the browser's locale is en-GB). */
const count = (n: number) => new Intl.NumberFormat("en-GB").format(n);

/** A limited key of the live data set, besides the fake's three. */
const LIMITED = apiKey({
  id: "key_01LIM",
  label: "Availability bot",
  prefix: "pk_live_5d2e9f1a0b7c3e48",
  last_four: "c0de",
  permission_preset: "limited",
});

async function openDomains(scenario: Scenario = {}, options: AppOptions = {}): Promise<Page> {
  app = await session.open(scenario, options);
  const { page } = app;
  await page.getByTestId("nav-domains").click();
  await page.getByTestId("domains-screen").waitFor();
  return page;
}

/** Two animation frames: whatever changed is laid out and painted. */
function frames(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))),
  );
}

/** A screenshot and an axe check in the light theme, then in the dark one (`<name>-dark`). */
async function captureBoth(page: Page, name: string): Promise<void> {
  await capture(page, name);
  await page.emulateMedia({ colorScheme: "dark" });
  await frames(page);
  await capture(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: "light" });
  await frames(page);
}

/** A test id's text with its white space collapsed. */
async function text(page: Page, testId: string): Promise<string> {
  const raw = await page.getByTestId(testId).first().textContent();
  return (raw ?? "").replace(/\s+/g, " ").trim();
}

function scanState(page: Page, state: string, timeout = 15_000) {
  return page.locator(`[data-testid=scan-progress][data-state=${state}]`).waitFor({ timeout });
}

/** Waits for the scan to end with `loaded` rows ("1,250 loaded"). */
async function loadedAll(page: Page, loaded: number, timeout = 15_000): Promise<void> {
  await expect
    .poll(() => text(page, "domains-count"), { timeout })
    .toMatch(new RegExp(`^${count(loaded)} loaded`));
  await scanState(page, "done", timeout);
}

const row = (page: Page, id: string) => page.locator(`[data-testid=domain-row][data-id="${id}"]`);

/** What the fake server holds for `keyId` through `filter`, in its order (a full scan's rows). */
function serverRows(keyId: string, filter: ServerFilter = {}): Promise<Domain[]> {
  return inPage(
    (w, arg) => {
      const key = w.__portal.keys.find((k) => k.id === arg.keyId)!;
      return w.__portal.domains.matching(key, arg.filter);
    },
    { keyId, filter },
  );
}

function serverCustomers(environment: string): Promise<User[]> {
  return inPage((w, env) => [...w.__portal.domains.customers(env)], environment);
}

/**
 * Every row id the table holds, in its order, read by scrolling its scroll element from the top
 * to the bottom (the table only draws the rows in view).
 */
function tableIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const table = document.querySelector<HTMLElement>("[data-testid=domain-table]")!;
    const frame = () => new Promise((done) => requestAnimationFrame(() => done(null)));
    const ids: string[] = [];
    table.scrollTop = 0;
    for (;;) {
      await frame();
      await frame();
      for (const el of table.querySelectorAll<HTMLElement>("[data-testid=domain-row]")) {
        ids[Number(el.dataset.index)] = el.dataset.id!;
      }
      if (table.scrollTop + table.clientHeight >= table.scrollHeight - 1) break;
      table.scrollTop += table.clientHeight;
    }
    table.scrollTop = 0;
    return ids;
  });
}

describe("Domains without a browsing key", () => {
  it("offers a read key, creates it and streams the rows in", async () => {
    const page = await openDomains({ stored: [] });
    await page.getByTestId("browse-no-key").waitFor();
    expect(await page.getByTestId("domain-table").count()).toBe(0);
    await captureBoth(page, "domains-no-key");

    await page.getByTestId("create-browsing-key").click();
    await page.getByTestId("domain-row").first().waitFor();
    await loadedAll(page, 640);
    const created = await inPage((w) => {
      const key = w.__portal.keys.find((k) => k.label === "Domain browsing")!;
      return {
        id: key.id,
        preset: key.permission_preset,
        env: key.environment,
        stored: w.__portal.keyring.has(key.id),
      };
    });
    expect(created).toEqual({ id: "key_01NEW1", preset: "read", env: "test", stored: true });
    expect(await page.getByTestId("browse-no-key").count()).toBe(0);
    expect(await text(page, "browse-preset")).toBe("Read only");
    expect(await page.getByTestId("browse-key").inputValue()).toBe("key_01NEW1");
    const rows = await serverRows("key_01NEW1");
    expect(rows).toHaveLength(640);
    expect(await page.getByTestId("domain-row").first().getAttribute("data-id")).toBe(rows[0]!.id);
    await captureBoth(page, "domains-created-key");
  });
});

describe("Domains loading", () => {
  it("shows the progress, pauses and resumes", async () => {
    const page = await openDomains({ domains: { live: 3000 }, scanPageDelayMs: 200 });
    await scanState(page, "loading");
    await page.getByTestId("domain-row").first().waitFor();
    // The stats give the total, so the bar and the line count towards it.
    await expect
      .poll(() => text(page, "scan-line"))
      .toMatch(/^[\d,]+ of 3,000 domains · \d+ pages?/);
    const bar = page.locator("[data-testid=scan-progress] progress");
    expect(await bar.getAttribute("max")).toBe("3000");
    expect(Number(await bar.getAttribute("value"))).toBeGreaterThan(0);
    expect(Number(await bar.getAttribute("value"))).toBeLessThan(3000);
    await captureBoth(page, "domains-loading");

    await page.getByTestId("scan-pause").click();
    await scanState(page, "paused");
    // A page that came just before the pause reaches the view within 250 ms (FLUSH_MS).
    await page.waitForTimeout(400);
    const paused = await text(page, "domains-count");
    const line = await text(page, "scan-line");
    expect(line).toMatch(/^Paused at [\d,]+ of 3,000 domains · \d+ pages$/);
    const loaded = Number(/^([\d,]+) loaded/.exec(paused)![1]!.replace(/,/g, ""));
    expect(loaded % 100).toBe(0);
    expect(line).toContain(`Paused at ${count(loaded)} of 3,000`);
    expect(await page.getByTestId("scan-pause").count()).toBe(0);
    await captureBoth(page, "domains-paused");
    // Nothing comes in while paused.
    await page.waitForTimeout(700);
    expect(await text(page, "domains-count")).toBe(paused);
    expect(await text(page, "scan-line")).toBe(line);

    await page.getByTestId("scan-resume").click();
    await scanState(page, "loading");
    await loadedAll(page, 3000, 20_000);
    expect(await text(page, "scan-line")).toBe("All 3,000 domains loaded · 30 pages");
    expect(await page.locator("[data-testid=scan-progress] progress").count()).toBe(0);
  }, 60_000);
});

describe("Domains loaded", () => {
  it("shows every row, sorts, searches, and filters with chips and charts", async () => {
    const page = await openDomains();
    await loadedAll(page, 1250);
    const all = await serverRows("key_01LIVE");
    const customers = await serverCustomers("live");
    expect(all).toHaveLength(1250);
    expect(await text(page, "scan-line")).toBe("All 1,250 domains loaded · 13 pages");
    // Virtualized: the first rows in the server's order, not all 1,250.
    const drawn = await page.getByTestId("domain-row").count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(60);
    expect(await page.getByTestId("domain-table").getAttribute("aria-rowcount")).toBe("1251");
    const first = page.locator("[data-testid=domain-row][data-index='0']");
    expect(await first.getAttribute("data-id")).toBe(all[0]!.id);
    expect(await first.locator(".name").textContent()).toBe(all[0]!.domain);
    await captureBoth(page, "domains-loaded");

    // Sort by name: ascending, then descending.
    const names = all.map((d) => d.domain.toLowerCase()).sort();
    await page.getByTestId("sort-domain").click();
    await expect.poll(() => first.locator(".name").textContent()).toBe(names[0]);
    const header = page.locator("[role=columnheader]", { has: page.getByTestId("sort-domain") });
    expect(await header.getAttribute("aria-sort")).toBe("ascending");
    expect(await page.locator("[data-testid=domain-row][data-index='1'] .name").textContent()).toBe(
      names[1],
    );
    await captureBoth(page, "domains-sorted");
    await page.getByTestId("sort-domain").click();
    await expect.poll(() => first.locator(".name").textContent()).toBe(names.at(-1));
    expect(await header.getAttribute("aria-sort")).toBe("descending");
    await page.getByTestId("sort-domain").click();
    await expect.poll(() => first.getAttribute("data-id")).toBe(all[0]!.id);

    // Text search: every word, in name, id, customer email, forwarding URL or order id.
    const email = new Map(customers.map((u) => [u.id, u.email]));
    const hay = (d: Domain) =>
      [d.domain, d.id, d.user_id ? email.get(d.user_id) : "", d.forwarding_url, d.order_id]
        .join("\n")
        .toLowerCase();
    for (const query of ["harbor", "nova mail", all[700]!.domain]) {
      const words = query.toLowerCase().split(/\s+/);
      const expected = all.filter((d) => words.every((w) => hay(d).includes(w)));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(1250);
      await page.getByTestId("domain-search").fill(query);
      await expect
        .poll(() => text(page, "domains-count"))
        .toBe(`${count(expected.length)} of 1,250 loaded match`);
      expect(await page.getByTestId("domain-table").getAttribute("aria-rowcount")).toBe(
        String(expected.length + 1),
      );
      expect(await first.getAttribute("data-id")).toBe(expected[0]!.id);
      if (query === "harbor") await captureBoth(page, "domains-searched");
    }
    await page.getByTestId("domain-search").fill("zz-no-such-domain");
    await page.getByTestId("domains-no-match").waitFor();
    await page.getByTestId("domain-search").fill("");
    await expect.poll(() => text(page, "domains-count")).toBe("1,250 loaded");

    // A chip goes to the server: the list and the stats load again for the filter.
    const active = await serverRows("key_01LIVE", { status: "active" });
    await page.getByTestId("chip-status-active").click();
    expect(await page.getByTestId("chip-status-active").getAttribute("aria-pressed")).toBe("true");
    await loadedAll(page, active.length);
    expect(await first.getAttribute("data-id")).toBe(active[0]!.id);
    await page.getByTestId("tab-overview").click();
    await expect.poll(() => text(page, "chart-total")).toBe(`${count(active.length)} domains`);
    expect(await text(page, "pick-status-active")).toBe(`Active ${count(active.length)}`);
    expect(await page.getByTestId("pick-status-active").getAttribute("aria-pressed")).toBe("true");
    await captureBoth(page, "domains-overview-active");
    await page.getByTestId("tab-table").click();
    await page.getByTestId("chip-status-active").click();
    await loadedAll(page, 1250);

    // The overview's counts are the server's; picking a value filters by it.
    await page.getByTestId("tab-overview").click();
    await expect.poll(() => text(page, "chart-total")).toBe("1,250 domains");
    for (const status of ["active", "available", "in_progress", "action_required", "failed"]) {
      const n = all.filter((d) => d.status === status).length;
      expect(await text(page, `pick-status-${status}`)).toMatch(new RegExp(` ${count(n)}$`));
    }
    const connected = all.filter((d) => d.category === "connected").length;
    expect(await text(page, "pick-category-connected")).toBe(`Connected ${count(connected)}`);
    await captureBoth(page, "domains-overview");

    const failed = all.filter((d) => d.status === "failed");
    await page.getByTestId("pick-status-failed").click();
    await page.locator("#panel-table").waitFor();
    expect(await page.getByTestId("chip-status-failed").getAttribute("aria-pressed")).toBe("true");
    await loadedAll(page, failed.length);
    expect(await first.getAttribute("data-id")).toBe(failed[0]!.id);
    expect(await first.textContent()).toContain("Failed");
    await page.getByTestId("tab-overview").click();
    await expect.poll(() => text(page, "chart-total")).toBe(`${count(failed.length)} domains`);
    expect(await page.getByTestId("pick-status-failed").getAttribute("aria-pressed")).toBe("true");
    await page.getByTestId("tab-table").click();
    await captureBoth(page, "domains-filtered-failed");
  }, 90_000);
});

describe("Domains scan trouble", () => {
  it("keeps the rows of a failed scan, shows the error, and resumes without duplicates", async () => {
    const page = await openDomains({
      scanFailure: {
        afterPages: 3,
        error: { code: "server", message: "upstream timed out", request_id: "req_01JDSCAN503" },
      },
    });
    await scanState(page, "failed");
    expect(await text(page, "domains-count")).toBe("300 loaded");
    expect(await text(page, "scan-line")).toBe("Stopped at 300 of 1,250 domains · 3 pages");
    expect(await text(page, "scan-kept")).toBe(
      "Kept the 300 domains loaded so far. Resume goes on from the next page.",
    );
    const notice = page.locator("[data-testid=scan-progress] [data-testid=error-notice]");
    expect(await notice.getAttribute("data-code")).toBe("server");
    expect(await notice.getByTestId("error-request-id").textContent()).toBe("req_01JDSCAN503");
    expect(await notice.getByTestId("error-message").textContent()).toBe("upstream timed out");
    expect(await page.getByTestId("domain-row").count()).toBeGreaterThan(0);
    await captureBoth(page, "domains-scan-failed");

    await page.getByTestId("scan-resume").click();
    await loadedAll(page, 1250);
    expect(await text(page, "scan-line")).toBe("All 1,250 domains loaded · 13 pages");
    const ids = await tableIds(page);
    const expected = (await serverRows("key_01LIVE")).map((d) => d.id);
    expect(new Set(ids).size).toBe(1250);
    expect(ids).toEqual(expected);
    // The failed request and the 13 good ones are in the request log.
    const pages = await inPage((w) =>
      w.__portal.log.filter((e) => e.path.includes("/domains?")).map((e) => e.status),
    );
    expect(pages.filter((s) => s === 200)).toHaveLength(13);
    expect(pages.filter((s) => s === 503)).toHaveLength(1);
  }, 60_000);

  it("says when the server asks to wait, then loads everything", async () => {
    const page = await openDomains({ rateLimitAt: { page: 3, seconds: 6 } });
    await page.getByTestId("scan-wait").waitFor();
    expect(await page.getByTestId("scan-progress").getAttribute("data-state")).toBe("waiting");
    expect(await text(page, "scan-wait")).toMatch(
      /^The server asked us to wait 6 s \(rate limit\)\. Nothing is lost; loading goes on by itself\. Request id: req_\w+$/,
    );
    // The two pages before the wait are kept (streamed rows reach the view within 250 ms).
    await expect.poll(() => text(page, "domains-count")).toBe("200 loaded");
    expect(await page.getByTestId("scan-wait").isVisible()).toBe(true);
    await captureBoth(page, "domains-scan-waiting");

    await loadedAll(page, 1250);
    expect(await page.getByTestId("scan-wait").count()).toBe(0);
    expect(await text(page, "scan-line")).toBe("All 1,250 domains loaded · 13 pages");
    const ids = await tableIds(page);
    expect(new Set(ids).size).toBe(1250);
    expect(ids).toEqual((await serverRows("key_01LIVE")).map((d) => d.id));
    const statuses = await inPage((w) =>
      w.__portal.log.filter((e) => e.path.includes("/domains?")).map((e) => e.status),
    );
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(13);
  }, 60_000);
});

describe("What a key's preset allows", () => {
  it("says which preset a read key lacks", async () => {
    const page = await openDomains({ stored: ["key_01TEST"] });
    await loadedAll(page, 640);
    expect(await text(page, "browse-preset")).toBe("Read only");
    expect(await page.getByTestId("open-availability").isDisabled()).toBe(true);
    expect(await page.getByTestId("open-forwarding").isDisabled()).toBe(true);
    const { availability, forwarding } = PRESET_NEEDED;
    expect(await text(page, "availability-why")).toBe(
      `${availability.title}. ${availability.action}`,
    );
    expect(await text(page, "forwarding-why")).toBe(`${forwarding.title}. ${forwarding.action}`);
    expect(await page.getByTestId("open-availability").getAttribute("aria-describedby")).toBe(
      "availability-why",
    );
    // Selecting rows does not wake the forwarding button up.
    const box = page.locator("[data-testid=domain-row] input[type=checkbox]").first();
    await box.check();
    expect(await page.getByTestId("open-forwarding").isDisabled()).toBe(true);
    await box.uncheck();
    await captureBoth(page, "domains-read-key");
  });

  it("lets a limited key check availability but not set forwarding", async () => {
    const page = await openDomains({ keys: [...defaultKeys(), LIMITED], stored: ["key_01LIM"] });
    await loadedAll(page, 1250);
    expect(await text(page, "browse-preset")).toBe("Limited");
    expect(await page.getByTestId("open-availability").isDisabled()).toBe(false);
    expect(await page.getByTestId("availability-why").count()).toBe(0);
    const box = page.locator("[data-testid=domain-row] input[type=checkbox]").first();
    await box.check();
    expect(await page.getByTestId("open-forwarding").isDisabled()).toBe(true);
    await box.uncheck();
    expect(await text(page, "forwarding-why")).toBe(
      `${PRESET_NEEDED.forwarding.title}. ${PRESET_NEEDED.forwarding.action}`,
    );
    await captureBoth(page, "domains-limited-key");
  });

  it("words a 403 from the server like the preset check", async () => {
    const page = await openDomains({
      keys: [...defaultKeys(), LIMITED],
      stored: ["key_01LIM"],
      failures: [
        {
          command: "checkAvailability",
          error: {
            code: "forbidden",
            message: "This key may not check availability",
            request_id: "req_01JDFORBIDDEN",
          },
        },
      ],
    });
    await loadedAll(page, 1250);
    await page.getByTestId("open-availability").click();
    await page.getByTestId("availability-dialog").waitFor();
    await page.getByTestId("availability-input").fill("acme-new.com\nnorthwind-fresh.io");
    await page.getByTestId("availability-check").click();
    const notice = page.locator("[data-testid=availability-dialog] [data-testid=error-notice]");
    await notice.waitFor();
    expect(await notice.getAttribute("data-code")).toBe("forbidden");
    expect(await notice.locator(".title").textContent()).toBe(PRESET_NEEDED.availability.title);
    expect(await notice.locator(".action").textContent()).toBe(PRESET_NEEDED.availability.action);
    expect(await notice.getByTestId("error-request-id").textContent()).toBe("req_01JDFORBIDDEN");
    expect(await page.getByTestId("availability-row").count()).toBe(0);
    await captureBoth(page, "domains-availability-forbidden");
  });
});

describe("Domain detail", () => {
  it("shows every field of a row and closes with Esc", async () => {
    const page = await openDomains();
    await loadedAll(page, 1250);
    const all = await serverRows("key_01LIVE");
    const customers = await serverCustomers("live");
    // A connected row near the top, with a forwarding URL if one is in view.
    const top = all.slice(0, 12);
    const domain =
      top.find((d) => d.forwarding_url) ?? top.find((d) => d.category === "connected")!;
    const owner = customers.find((u) => u.id === domain.user_id)!;

    await row(page, domain.id).click();
    const drawer = page.getByTestId("domain-drawer");
    await drawer.waitFor();
    await page.getByTestId("drawer-loading").waitFor({ state: "detached" });
    expect(await drawer.locator("h2").textContent()).toBe(domain.domain);
    expect(await text(page, "drawer-id")).toBe(domain.id);
    const facts = await drawer
      .locator("dl.facts > div")
      .evaluateAll((items) =>
        Object.fromEntries(
          items.map((item) => [
            item.querySelector("dt")!.textContent!.trim(),
            item.querySelector("dd")!.textContent!.replace(/\s+/g, " ").trim(),
          ]),
        ),
      );
    const created = new Intl.DateTimeFormat("en-GB", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "UTC",
    }).format(new Date(domain.created_at));
    const provider = domain.provider === "google" ? "Google" : "Microsoft";
    const usable = domain.usable_for
      .map((p) => (p === "google" ? "Google" : "Microsoft"))
      .join(", ");
    expect(facts).toEqual({
      Id: expect.stringContaining(domain.id) as unknown,
      Status: expect.any(String) as unknown,
      Category: "Connected",
      Provider: provider,
      "Usable for": usable,
      Customer: `${owner.email} ${owner.first_name} ${owner.last_name} Show this customer's domains`,
      "Order id": domain.order_id,
      "Forwarding URL": domain.forwarding_url ?? "Not forwarded",
      Created: created,
    });
    expect(facts.Status!.toLowerCase().replace(/ /g, "_")).toBe(domain.status);
    expect(await row(page, domain.id).getAttribute("class")).toContain("highlight");
    expect(
      await drawer.getByText("No forwarding set on this domain from this app yet.").count(),
    ).toBe(1);
    await captureBoth(page, "domains-drawer");

    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    // Focus goes back to the row that opened it.
    expect(await row(page, domain.id).evaluate((el) => el === document.activeElement)).toBe(true);
  });
});

describe("Availability", () => {
  it("checks 60 names in two batches and shows their prices", async () => {
    const page = await openDomains();
    await loadedAll(page, 1250);
    const taken = (await serverRows("key_01LIVE"))[5]!.domain;
    const names = [
      taken,
      "premium-picks.com",
      "not-a-domain",
      ...Array.from({ length: 57 }, (_, i) => `fresh-outreach-${i + 1}.io`),
    ];
    await page.getByTestId("open-availability").click();
    await page.getByTestId("availability-dialog").waitFor();
    await page.getByTestId("availability-input").fill(names.join("\n"));
    expect(await text(page, "availability-count")).toBe("60 names.");
    await captureBoth(page, "domains-availability-names");
    await page.getByTestId("availability-check").click();
    await page.getByTestId("availability-summary").waitFor();
    const rows = page.getByTestId("availability-row");
    expect(await rows.count()).toBe(60);
    expect(await text(page, "availability-summary")).toBe("58 available · 2 not");
    const cells = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent!.trim())),
    );
    expect(cells.map((c) => c[0])).toEqual(names.map((n) => n.toLowerCase()));
    expect(cells[0]!.slice(1, 4)).toEqual(["Taken", "—", "—"]);
    expect(cells[0]![5]).toBe("Someone already has it");
    expect(cells[1]!.slice(1, 4)).toEqual(["Available (premium)", "US$2,500.00", "US$15.00"]);
    expect(cells[2]!.slice(1, 2)).toEqual(["Invalid"]);
    expect(cells[2]![5]).toBe("Not a valid domain name");
    for (const c of cells.slice(3)) {
      expect(c.slice(1, 5)).toEqual(["Available", "US$12.00", "US$15.00", "Google, Microsoft"]);
    }
    const posts = await inPage(
      (w) => w.__portal.log.filter((e) => e.path.endsWith("/domains/availability")).length,
    );
    expect(posts).toBe(2);
    await captureBoth(page, "domains-availability-results");
  });
});

describe("Forwarding", () => {
  it("sets forwarding on the eligible selected rows and shows the job", async () => {
    const page = await openDomains();
    await loadedAll(page, 1250);
    const top = (await serverRows("key_01LIVE")).slice(0, 12);
    const eligible = top
      .filter((d) => d.category === "connected" && d.status === "active" && !d.forwarding_url)
      .slice(0, 3);
    const inventory = top.find((d) => d.category === "inventory")!;
    expect(eligible).toHaveLength(3);
    expect(inventory).toBeDefined();
    for (const d of [...eligible, inventory]) {
      await row(page, d.id).locator("input[type=checkbox]").check();
    }
    expect(await text(page, "domains-count")).toBe("1,250 loaded · 4 selected Clear");
    expect(await text(page, "open-forwarding")).toBe("Set forwarding (4)");
    await captureBoth(page, "domains-selected");

    await page.getByTestId("open-forwarding").click();
    await page.getByTestId("forwarding-dialog").waitFor();
    expect(await text(page, "forwarding-counts")).toBe("4 selected · 3 can take forwarding");
    const left = page.getByTestId("forwarding-ineligible");
    expect(await left.count()).toBe(1);
    expect(await text(page, "forwarding-ineligible")).toBe(
      `${inventory.domain}: inventory domains cannot forward`,
    );
    await page.getByTestId("forwarding-url").fill("http://plain.example");
    await page.getByTestId("forwarding-url-problem").waitFor();
    const url = "https://www.acme.example/welcome";
    await page.getByTestId("forwarding-url").fill(url);
    expect(await text(page, "forwarding-start")).toBe("Set forwarding on 3 domains");
    await captureBoth(page, "domains-forwarding-form");

    // Slow enough to see the job running.
    await inPage((w) => (w.__portal.domains.actionDelayMs = 4000));
    await page.getByTestId("forwarding-start").click();
    await page.getByTestId("forwarding-overall").waitFor({ timeout: 10_000 });
    expect(await text(page, "forwarding-overall")).toBe("0 of 3 handled · 0 failed");
    expect(await text(page, "forwarding-job")).toBe("Job 1 of 1: 0 done In progress");
    await captureBoth(page, "domains-forwarding-running");
    await page.getByTestId("forwarding-result").waitFor({ timeout: 10_000 });
    expect(await text(page, "forwarding-result")).toBe("Forwarding set on 3 domains.");
    expect(await text(page, "forwarding-job")).toBe("Job 1 of 1: 3 done Completed");
    await captureBoth(page, "domains-forwarding-done");
    await inPage((w) => (w.__portal.domains.actionDelayMs = 20));

    await page.getByTestId("forwarding-close").click();
    await page.getByTestId("forwarding-dialog").waitFor({ state: "detached" });
    for (const d of eligible) {
      expect(await row(page, d.id).locator(".url").textContent()).toBe(url);
    }
    expect((await row(page, inventory.id).locator(".url").textContent())?.trim()).toBe("—");
    const server = await serverRows("key_01LIVE");
    for (const d of eligible) {
      expect(server.find((s) => s.id === d.id)!.forwarding_url).toBe(url);
    }

    await row(page, eligible[1]!.id).click();
    const drawer = page.getByTestId("domain-drawer");
    await drawer.waitFor();
    expect(await text(page, "drawer-forwarding")).toBe(url);
    const jobs = drawer.getByTestId("drawer-job");
    expect(await jobs.count()).toBe(1);
    expect(await jobs.textContent()).toMatch(/^\s*fwj_\w+\s+Completed\s+3 done · 0 failed/);
    expect(await text(page, "drawer-job-outcome")).toBe("Done for this domain.");
    await captureBoth(page, "domains-forwarding-drawer");
  }, 60_000);
});

describe("Customers", () => {
  it("counts each customer's domains and shows them", async () => {
    const page = await openDomains();
    await loadedAll(page, 1250);
    const all = await serverRows("key_01LIVE");
    const customers = await serverCustomers("live");
    const counts = new Map<string, number>();
    for (const d of all) if (d.user_id) counts.set(d.user_id, (counts.get(d.user_id) ?? 0) + 1);
    const busiest = [...customers].sort(
      (a, b) => (counts.get(b.id) ?? 0) - (counts.get(a.id) ?? 0),
    );

    await page.getByTestId("tab-customers").click();
    const rows = page.getByTestId("customer-row");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(customers.length);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute("data-id"),
        count: tr.querySelector("[data-testid=customer-count]")!.textContent!.trim(),
      })),
    );
    expect(shown).toEqual(busiest.map((u) => ({ id: u.id, count: count(counts.get(u.id) ?? 0) })));
    const connected = all.filter((d) => d.category === "connected").length;
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(connected);
    await captureBoth(page, "domains-customers");

    const top = busiest[0]!;
    await rows.first().getByTestId("customer-show").click();
    await page.locator("#panel-table").waitFor();
    expect(await text(page, "chip-customer")).toBe(`${top.email} ×`);
    await loadedAll(page, counts.get(top.id)!);
    const emails = await page
      .locator("[data-testid=domain-row] .cell:nth-child(6)")
      .allTextContents();
    expect(emails.length).toBeGreaterThan(0);
    expect(new Set(emails.map((e) => e.trim()))).toEqual(new Set([top.email]));
    await captureBoth(page, "domains-customer-filtered");
  }, 60_000);
});

describe("Export", () => {
  it("saves the view as CSV and says where", async () => {
    const page = await openDomains();
    await loadedAll(page, 1250);
    await page.getByTestId("export-csv").click();
    await page.getByTestId("export-done").waitFor();
    const file = "/home/ada/Downloads/domains-live-2026-11-20.csv";
    expect(await text(page, "export-done")).toBe(`Saved 1,250 domains to ${file}. Dismiss`);
    await captureBoth(page, "domains-exported");

    // The export follows the view: the search narrows it.
    await page.getByTestId("domain-search").fill("harbor");
    const match = /^([\d,]+) of 1,250 loaded match$/;
    await expect.poll(() => text(page, "domains-count")).toMatch(match);
    const shown = match.exec(await text(page, "domains-count"))![1]!;
    await page.getByTestId("export-csv").click();
    await expect
      .poll(() => text(page, "export-done"))
      .toBe(`Saved ${shown} domains to ${file}. Dismiss`);
    const exports = await inPage((w) => w.__portal.exports);
    expect(exports).toEqual([
      { rows: 1250, suggestedName: "domains-live-2026-11-20.csv" },
      { rows: Number(shown.replace(/,/g, "")), suggestedName: "domains-live-2026-11-20.csv" },
    ]);
    await page.getByText("Dismiss").click();
    await page.getByTestId("export-done").waitFor({ state: "detached" });
  });

  it("shows nothing when the save dialog is cancelled", async () => {
    const page = await openDomains({ exportCancels: true });
    await loadedAll(page, 1250);
    await page.getByTestId("export-csv").click();
    await expect.poll(() => page.getByTestId("export-csv").isEnabled()).toBe(true);
    await frames(page);
    expect(
      await inPage((w) => w.__ipcCalls.filter((c) => c.cmd === "export_domains_csv").length),
    ).toBe(1);
    expect(await page.getByTestId("export-done").count()).toBe(0);
    expect(await page.getByTestId("error-notice").count()).toBe(0);
    expect(await inPage((w) => w.__portal.exports)).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Availability, Domain, DomainFilter, ForwardingProgress, ScanEvent } from "../lib/api";
import { ApiError } from "../lib/api";
import { countDomains, fakeCustomers, fakeDomains } from "./fake-domains";
import { FakePortal, apiKey, defaultKeys } from "./fake-portal";

const LIVE = "key_01LIVE";

/** A portal with, besides the default keys, a stored limited key and a stored one-customer key. */
function portal(options: ConstructorParameters<typeof FakePortal>[0] = {}) {
  return new FakePortal({
    keys: [
      ...defaultKeys(),
      apiKey({ id: "key_01LIM", label: "Checker", permission_preset: "limited" }),
      apiKey({
        id: "key_01DANA",
        label: "Dana only",
        permission_preset: "read",
        scope: { type: "user", user_id: "usr_01A" },
      }),
    ],
    stored: [LIVE, "key_01OLD", "key_01LIM", "key_01DANA", "key_01TEST"],
    ...options,
  });
}

/** Starts a scan that records its events. */
async function startScan(fake: FakePortal, filter: DomainFilter = {}, keyId = LIVE) {
  const events: ScanEvent[] = [];
  const id = await fake.api.scanDomains(keyId, filter, (event) => events.push(event));
  return { id, events };
}

const kinds = (events: ScanEvent[]) => events.map((event) => event.kind);
const rowsOf = (events: ScanEvent[]) =>
  events.flatMap((event) => (event.kind === "page" ? event.rows : []));

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof ApiError) return thrown;
    throw thrown;
  }
  throw new Error("expected a rejection");
}

describe("the generated data", () => {
  it("makes 100,000 domains quickly, the same every time, in the server's order", () => {
    const started = performance.now();
    const rows = fakeDomains(100_000, "live");
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rows).toHaveLength(100_000);
    const again = fakeDomains(100_000, "live");
    expect(again[0]).toEqual(rows[0]);
    expect(again[99_999]).toEqual(rows[99_999]);
    expect(again.map((row) => row.id)).toEqual(rows.map((row) => row.id));
    expect(new Set(rows.map((row) => row.id)).size).toBe(100_000);
    expect(new Set(rows.map((row) => row.domain)).size).toBe(100_000);
    for (let i = 1; i < rows.length; i += 1) {
      if (rows[i - 1]!.created_at <= rows[i]!.created_at)
        throw new Error(`not newest first at ${i}`);
    }
    expect(rows[99_999]!.created_at >= "2024-11-01").toBe(true);
    expect(fakeDomains(10, "test")[0]).not.toEqual(rows[0]);
  });

  it("looks like a partner's domains", () => {
    const customers = fakeCustomers("live");
    const rows = fakeDomains(5000, "live", 1, customers);
    const ids = new Set(customers.map((user) => user.id));
    const connected = rows.filter((row) => row.category === "connected");
    expect(connected.length / rows.length).toBeGreaterThan(0.5);
    expect(connected.length / rows.length).toBeLessThan(0.7);
    const odd = rows.filter(
      (row) =>
        !/^dom_[0-9A-HJKMNP-TV-Z]{26}$/.test(row.id) ||
        !/^[a-z0-9-]+\.[a-z]+$/.test(row.domain) ||
        row.usable_for.length === 0 ||
        (row.category === "connected"
          ? !ids.has(row.user_id!) ||
            !row.usable_for.includes(row.provider!) ||
            !row.order_id?.startsWith("ord_")
          : "user_id" in row || "provider" in row || "order_id" in row),
    );
    expect(odd).toEqual([]);
    const stats = countDomains(rows).by_status;
    expect(stats.active).toBeGreaterThan(stats.available!);
    expect(stats.available).toBeGreaterThan(stats.in_progress!);
    expect(stats.in_progress).toBeGreaterThan(stats.failed!);
    expect(connected.filter((row) => row.forwarding_url).length).toBeGreaterThan(0);
    expect(customers).toHaveLength(40);
    expect(customers.slice(0, 4).map((user) => user.id)).toEqual([
      "usr_01A",
      "usr_01B",
      "usr_01C",
      "usr_01D",
    ]);
    expect(new Set(customers.map((user) => user.email)).size).toBe(40);
  });

  it("holds 1,250 live and 640 test domains by default, or the counts asked for", () => {
    const fake = portal();
    expect(fake.domains.domains("live")).toHaveLength(1250);
    expect(fake.domains.domains("test")).toHaveLength(640);
    const small = portal({ domains: { live: 7 } });
    expect(small.domains.domains("live")).toHaveLength(7);
    expect(small.domains.domains("test")).toHaveLength(640);
  });
});

describe("browsing", () => {
  it("opens a stored, working key and says what its preset allows", async () => {
    const fake = portal();
    const info = await fake.api.openBrowser(LIVE);
    expect(info).toMatchObject({
      key_id: LIVE,
      me: {
        api_key: { environment: "live", permission_preset: "full" },
        partner: { id: "org_01" },
      },
      can_check_availability: true,
      can_set_forwarding: true,
      rate_limit_per_minute: 600,
    });
    expect(await fake.api.openBrowser("key_01LIM")).toMatchObject({
      can_check_availability: true,
      can_set_forwarding: false,
    });
    expect(await fake.api.openBrowser("key_01TEST")).toMatchObject({
      can_check_availability: false,
      can_set_forwarding: false,
    });
    expect(fake.log[0]).toMatchObject({ method: "GET", path: "/api/partner/v1/me", status: 200 });
  });

  it("refuses a key whose secret is not stored, or that no longer works", async () => {
    const fake = new FakePortal();
    expect((await rejection(fake.api.openBrowser("key_01TEST"))).code).toBe("secret_not_stored");
    const revoked = await rejection(fake.api.openBrowser("key_01OLD"));
    expect(revoked.error).toMatchObject({
      code: "unauthorized",
      message: "The API key is missing, malformed, unknown, revoked or expired.",
    });
    expect(revoked.error.request_id).toMatch(/^req_/);
    expect((await rejection(fake.api.domainStats("key_01OLD", {}))).code).toBe("unauthorized");
  });

  it("creates stored read keys for browsing, numbering the label when it is taken", async () => {
    const fake = new FakePortal();
    const first = await fake.api.createBrowsingKey("test");
    const second = await fake.api.createBrowsingKey("test");
    expect(first.stored).toBe(true);
    expect(first.key).toMatchObject({
      label: "Domain browsing",
      permission_preset: "read",
      scope: { type: "partner" },
      environment: "test",
      status: "active",
    });
    expect(second.key.label).toBe("Domain browsing 2");
    expect(fake.keyring.has(first.key.id)).toBe(true);
    expect(fake.reveals.has(first.key.id)).toBe(false);
    expect((await fake.api.openBrowser(second.key.id)).me.api_key.environment).toBe("test");
  });

  it("leaves no active key when the keyring is locked", async () => {
    const fake = new FakePortal();
    fake.keyringLocked = true;
    expect((await rejection(fake.api.createBrowsingKey("live"))).code).toBe("keyring_locked");
    const browsing = fake.keys.filter((k) => k.label.startsWith("Domain browsing"));
    expect(browsing.map((k) => k.status)).toEqual(["revoked"]);
  });

  it("lists the customers the key can see", async () => {
    const fake = portal();
    expect(await fake.api.listCustomers(LIVE)).toHaveLength(40);
    expect((await fake.api.listCustomers("key_01DANA")).map((u) => u.id)).toEqual(["usr_01A"]);
    expect(fake.log[0]).toMatchObject({
      method: "GET",
      path: "/api/partner/v1/users?per_page=100",
    });
  });

  it("answers a domain's detail, or not_found", async () => {
    const fake = portal();
    const row = fake.domains.domains("live")[10]!;
    expect(await fake.api.domainDetail(LIVE, row.id)).toEqual(row);
    const missing = await rejection(fake.api.domainDetail(LIVE, "dom_nope"));
    expect(missing.code).toBe("not_found");
    const other = fake.domains.domains("live").find((d) => d.user_id && d.user_id !== "usr_01A")!;
    expect((await rejection(fake.api.domainDetail("key_01DANA", other.id))).code).toBe("not_found");
  });

  it("exports what it is given, unless the dialog is cancelled", async () => {
    const fake = portal();
    const rows = fake.domains.domains("live").slice(0, 3) as Domain[];
    expect(await fake.api.exportDomainsCsv(rows, [], "domains.csv")).toEqual({
      path: "/home/ada/Downloads/domains.csv",
      rows: 3,
    });
    fake.exportCancels = true;
    expect(await fake.api.exportDomainsCsv(rows, [], "again.csv")).toBeNull();
    expect(fake.exports).toEqual([{ rows: 3, suggestedName: "domains.csv" }]);
  });
});

describe("scans", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("send every page later, 100 rows each with running totals, then finished", async () => {
    const fake = portal();
    const { id, events } = await startScan(fake);
    expect(id).toBeGreaterThan(0);
    expect(events).toEqual([]);
    await vi.runAllTimersAsync();
    expect(kinds(events)).toEqual([...Array<string>(13).fill("page"), "finished"]);
    const pages = events.filter((event) => event.kind === "page");
    expect(pages.map((page) => page.rows.length)).toEqual([...Array<number>(12).fill(100), 50]);
    expect(pages[12]!.progress).toEqual({ pages: 13, items: 1250 });
    expect(events[13]).toEqual({ kind: "finished", progress: { pages: 13, items: 1250 } });
    expect(rowsOf(events)).toEqual(fake.domains.domains("live"));
    expect(fake.log.filter((entry) => entry.path.includes("/domains?"))).toHaveLength(13);
  });

  it("answer stats that equal what a full scan with the same filter yields", async () => {
    const fake = portal();
    const filters: DomainFilter[] = [
      {},
      { category: "connected" },
      { category: "inventory", status: "available" },
      { status: "active", usable_for: "microsoft" },
      { user_id: "usr_01A" },
      { user_email: "DANA@Northwind.example" },
      { user_email: "nobody@nowhere.example" },
    ];
    for (const filter of filters) {
      const { events } = await startScan(fake, filter);
      await vi.runAllTimersAsync();
      expect(events.at(-1)?.kind).toBe("finished");
      const answer = (await fake.api.domainStats(LIVE, filter))!;
      expect(answer.computed).toBe(false);
      expect(answer.stats).toEqual(countDomains(rowsOf(events)));
      expect(answer.stats.total).toBe(rowsOf(events).length);
    }
    const inventory = (await fake.api.domainStats(LIVE, { category: "inventory" }))!;
    expect(inventory.stats.by_provider).toEqual({ google: 0, microsoft: 0 });
    expect(inventory.stats.by_category).toMatchObject({ connected: 0 });
    expect(Object.keys(inventory.stats.by_status).sort()).toEqual(
      ["action_required", "active", "available", "failed", "in_progress"].sort(),
    );
    const dana = (await fake.api.domainStats(LIVE, { user_email: "dana@northwind.example" }))!;
    const byId = (await fake.api.domainStats(LIVE, { user_id: "usr_01A" }))!;
    expect(dana.stats.total).toBeGreaterThan(0);
    expect(dana.stats).toEqual(byId.stats);
    fake.domains.statsUnsupported = true;
    expect(await fake.api.domainStats(LIVE, {})).toBeNull();
    expect(fake.log[0]).toMatchObject({ path: "/api/partner/v1/domains/stats", status: 404 });
  });

  it("show a one-customer key only its customer's domains", async () => {
    const fake = portal();
    const { events } = await startScan(fake, {}, "key_01DANA");
    await vi.runAllTimersAsync();
    const rows = rowsOf(events);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.user_id === "usr_01A")).toBe(true);
  });

  it("pause between pages, resume where they were, and cancel for good", async () => {
    const fake = portal();
    fake.scanPageDelayMs = 10;
    const { id, events } = await startScan(fake);
    await vi.advanceTimersByTimeAsync(25);
    expect(kinds(events)).toEqual(["page", "page"]);
    await fake.api.controlScan(id, "pause");
    await vi.advanceTimersByTimeAsync(200);
    expect(kinds(events)).toEqual(["page", "page", "paused"]);
    await fake.api.controlScan(id, "resume");
    await vi.advanceTimersByTimeAsync(15);
    expect(kinds(events)).toEqual(["page", "page", "paused", "resumed", "page"]);
    await fake.api.controlScan(id, "cancel");
    await vi.runAllTimersAsync();
    expect(kinds(events)).toEqual(["page", "page", "paused", "resumed", "page", "cancelled"]);
    await fake.api.controlScan(id, "resume");
    await vi.runAllTimersAsync();
    expect(events.at(-1)).toEqual({ kind: "cancelled" });
    const pages = events.filter((event) => event.kind === "page");
    expect(pages.map((page) => page.progress.pages)).toEqual([1, 2, 3]);
    expect(new Set(rowsOf(events).map((row) => row.id)).size).toBe(300);
  });

  it("keep their order when controls come quickly, and ignore ones that do not apply", async () => {
    const fake = portal();
    fake.scanPageDelayMs = 10;
    const { id, events } = await startScan(fake);
    await fake.api.controlScan(id, "resume");
    await fake.api.controlScan(id, "pause");
    await fake.api.controlScan(id, "pause");
    await fake.api.controlScan(id, "resume");
    await fake.api.controlScan(id, "pause");
    await vi.advanceTimersByTimeAsync(100);
    expect(kinds(events)).toEqual(["paused", "resumed", "paused"]);
    await fake.api.controlScan(id, "resume");
    await vi.runAllTimersAsync();
    expect(events.at(-1)?.kind).toBe("finished");
    expect(rowsOf(events)).toEqual(fake.domains.domains("live"));
    await fake.api.controlScan(id, "cancel");
    await fake.api.controlScan(999, "pause");
    await vi.runAllTimersAsync();
    expect(events.at(-1)?.kind).toBe("finished");
  });

  it("cancel the previous scan when a new one starts", async () => {
    const fake = portal();
    fake.scanPageDelayMs = 10;
    const first = await startScan(fake);
    await vi.advanceTimersByTimeAsync(15);
    const second = await startScan(fake, { category: "connected" });
    await vi.runAllTimersAsync();
    expect(kinds(first.events)).toEqual(["page", "cancelled"]);
    expect(second.events.at(-1)?.kind).toBe("finished");
    expect(second.id).not.toBe(first.id);
  });

  it("stop on a failure, then go on from the next page when resumed: nothing lost or repeated", async () => {
    const fake = portal();
    const error = { code: "server" as const, message: "Bad gateway", request_id: "req_boom" };
    fake.failScanAfter(3, error);
    const { id, events } = await startScan(fake);
    await vi.runAllTimersAsync();
    expect(kinds(events)).toEqual(["page", "page", "page", "failed"]);
    expect(events[3]).toEqual({ kind: "failed", error });
    expect(fake.log[0]).toMatchObject({ status: 503, error: "server", request_id: "req_boom" });
    await fake.api.controlScan(id, "resume");
    await vi.runAllTimersAsync();
    expect(kinds(events).slice(3, 6)).toEqual(["failed", "resumed", "page"]);
    expect(events.at(-1)).toEqual({ kind: "finished", progress: { pages: 13, items: 1250 } });
    expect(rowsOf(events)).toEqual(fake.domains.domains("live"));
  });

  it("fail before the first page, and still resume", async () => {
    const fake = portal();
    fake.failScanAfter(0, { code: "network", message: "Connection refused" });
    const { id, events } = await startScan(fake);
    await vi.runAllTimersAsync();
    expect(kinds(events)).toEqual(["failed"]);
    await fake.api.controlScan(id, "resume");
    await vi.runAllTimersAsync();
    expect(rowsOf(events)).toHaveLength(1250);
  });

  it("wait out a 429 before a page and lose nothing", async () => {
    const fake = portal();
    fake.rateLimitScanAt(2, 1.5);
    const { events } = await startScan(fake);
    await vi.advanceTimersByTimeAsync(100);
    expect(kinds(events)).toEqual(["page", "waiting"]);
    expect(events[1]).toMatchObject({
      kind: "waiting",
      seconds: 1.5,
      error: { code: "rate_limited", request_id: expect.stringMatching(/^req_/) },
    });
    await vi.advanceTimersByTimeAsync(1300);
    expect(kinds(events)).toEqual(["page", "waiting"]);
    await vi.runAllTimersAsync();
    expect(events.at(-1)?.kind).toBe("finished");
    expect(rowsOf(events)).toEqual(fake.domains.domains("live"));
    const page2 = fake.log.filter((entry) => entry.path.endsWith("page_token=p1"));
    expect(page2.map((entry) => [entry.status, entry.attempt])).toEqual([
      [200, 2],
      [429, 1],
    ]);
  });

  it("reject the call itself when failNext says so", async () => {
    const fake = portal();
    fake.failNext("scanDomains", { code: "unauthorized", message: "No" });
    expect((await rejection(startScan(fake))).code).toBe("unauthorized");
  });
});

describe("availability", () => {
  it("answers 50 names at a time, trimmed and without repeats", async () => {
    const fake = portal();
    fake.domains.actionDelayMs = 0;
    const taken = fake.domains.domains("live")[5]!.domain;
    const names = [
      `  ${taken.toUpperCase()} `,
      "shiny-premium.com",
      "nodot",
      "fresh-leads.example",
      "FRESH-leads.example",
      "",
      "   ",
      ...Array.from({ length: 116 }, (_, i) => `new-name-${i}.com`),
    ];
    const batches: Availability[][] = [];
    const answers = await fake.api.checkAvailability("key_01LIM", names, (b) => batches.push(b));
    expect(batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(answers).toEqual(batches.flat());
    expect(answers).toHaveLength(120);
    expect(answers[0]).toMatchObject({ domain: taken, available: false, reason: "taken" });
    expect(answers[1]).toMatchObject({ available: true, premium: true, price_cents: 250_000 });
    expect(answers[2]).toMatchObject({ domain: "nodot", available: false, reason: "invalid" });
    expect(answers[3]).toEqual({
      domain: "fresh-leads.example",
      available: true,
      usable_for: ["google", "microsoft"],
      premium: false,
      reason: null,
      price_cents: 1200,
      renewal_price_cents: 1500,
      currency: "USD",
    });
    const posts = fake.log.filter((entry) => entry.path.endsWith("/domains/availability"));
    expect(posts).toHaveLength(3);
  });

  it("refuses a read key and an empty list", async () => {
    const fake = portal();
    const forbidden = await rejection(
      fake.api.checkAvailability("key_01TEST", ["a.com"], () => {}),
    );
    expect(forbidden.error).toMatchObject({
      code: "forbidden",
      message:
        "This key's permission preset (read) cannot check availability. Use a limited or full key.",
    });
    const empty = await rejection(fake.api.checkAvailability(LIVE, [" ", ""], () => {}));
    expect(empty.error).toMatchObject({ code: "invalid_request", field: "domains" });
  });
});

describe("forwarding", () => {
  it("starts a job per 25 names, reports each change and updates the domains", async () => {
    const fake = portal();
    fake.domains.actionDelayMs = 1;
    const all = fake.domains.domains("live");
    const active = all.filter((d) => d.category === "connected" && d.status === "active");
    const inventory = all.find((d) => d.category === "inventory")!;
    const pending = all.find((d) => d.category === "connected" && d.status !== "active")!;
    const names = [
      ...active.slice(0, 30).map((d) => d.domain),
      inventory.domain,
      pending.domain,
      "not-ours.example",
    ];
    const before = active[0]!;
    const progress: ForwardingProgress[] = [];
    const url = "https://acme.example/welcome";
    const jobs = await fake.api.setForwarding(LIVE, names, ` ${url} `, (p) => progress.push(p));
    expect(progress.map((p) => [p.jobs.length, p.batches_left])).toEqual([
      [1, 1],
      [2, 0],
      [2, 0],
      [2, 0],
    ]);
    expect(progress[0]!.jobs[0]).toMatchObject({
      id: expect.stringMatching(/^fwj_/),
      status: "in_progress",
      completed_count: 0,
      failed_count: 0,
      forwarding_url: url,
      completed: [],
      failed: [],
    });
    expect(jobs.map((job) => job.status)).toEqual(["completed", "partial_success"]);
    expect(jobs.map((job) => [job.completed_count, job.failed_count])).toEqual([
      [25, 0],
      [5, 3],
    ]);
    expect(jobs[1]!.failed).toEqual([
      { domain: inventory.domain, reason: "not_connected" },
      { domain: pending.domain, reason: "not_active" },
      { domain: "not-ours.example", reason: "not_found" },
    ]);
    expect(progress.at(-1)!.jobs).toEqual(jobs);
    const fresh = await fake.api.domainDetail(LIVE, before.id);
    expect(fresh.forwarding_url).toBe(url);
    expect(before.forwarding_url).not.toBe(url);
    const stats = fake.domains.domains("live").filter((d) => d.forwarding_url === url);
    expect(stats).toHaveLength(30);

    const none = await fake.api.setForwarding(LIVE, [inventory.domain], url, () => {});
    expect(none.map((job) => job.status)).toEqual(["failed"]);
    expect(fake.events[0]).toMatchObject({ source: "local", entry: { action: "forwarding_set" } });
  });

  it("refuses keys that are not full, and addresses that are not https", async () => {
    const fake = portal();
    const read = await rejection(
      fake.api.setForwarding("key_01TEST", ["a.com"], "https://x.y", () => {}),
    );
    expect(read.error.message).toBe(
      "This key's permission preset (read) cannot set forwarding. Use a full key.",
    );
    const limited = await rejection(
      fake.api.setForwarding("key_01LIM", ["a.com"], "https://x.y", () => {}),
    );
    expect(limited.error).toMatchObject({ code: "forbidden" });
    expect(limited.error.message).toContain("(limited)");
    const http = await rejection(fake.api.setForwarding(LIVE, ["a.com"], "http://x.y", () => {}));
    expect(http.error).toMatchObject({
      code: "invalid_request",
      field: "forwarding_url",
      message: "The forwarding address must start with https://",
    });
  });
});

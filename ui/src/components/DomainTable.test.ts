import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import DomainTable from "./DomainTable.svelte";
import type { Domain } from "../lib/api";

const STATUSES = ["active", "available", "in_progress", "action_required", "failed"];

function domains(count: number, from = 0): Domain[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n + from;
    const connected = i % 2 === 0;
    return {
      id: `dom_${String(i).padStart(6, "0")}`,
      domain: `site-${i}.example`,
      category: connected ? "connected" : "inventory",
      status: STATUSES[i % STATUSES.length]!,
      usable_for: i % 3 === 0 ? ["google", "microsoft"] : ["google"],
      created_at: "2026-03-04T10:00:00Z",
      ...(connected
        ? {
            provider: "microsoft",
            user_id: i % 4 === 0 ? "usr_01A" : "usr_UNKNOWN",
            order_id: `ord_${i}`,
            forwarding_url: i === 0 ? "https://welcome.example/a/very/long/path" : null,
          }
        : {}),
    };
  });
}

const emails: Record<string, string> = { usr_01A: "dana@northwind.example" };

function setup(props: Partial<Record<string, unknown>> = {}) {
  const handlers = {
    onsort: vi.fn(),
    ontoggle: vi.fn(),
    ontoggleall: vi.fn(),
    onopen: vi.fn(),
  };
  const base = {
    rows: domains(10_000),
    customerEmail: (id: string) => emails[id],
    sort: null,
    selected: new Set<string>(),
    ...handlers,
    ...props,
  };
  const result = render(DomainTable, { props: base });
  return { ...result, ...handlers, props: base };
}

const rows = () => screen.queryAllByTestId("domain-row");
const row = (id: string) => rows().find((r) => r.dataset.id === id)!;
const table = () => screen.getByTestId("domain-table");

async function scrollTo(top: number) {
  table().scrollTop = top;
  await fireEvent.scroll(table());
}

describe("DomainTable", () => {
  beforeEach(() => {
    // jsdom has no layout: give the scrolling area a height so the virtualizer draws rows.
    vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockReturnValue(600);
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(600);
  });
  afterEach(() => vi.restoreAllMocks());

  it("draws only the visible window of 10,000 rows, and announces them all", () => {
    setup();
    const drawn = rows();
    expect(drawn.length).toBeGreaterThan(15);
    expect(drawn.length).toBeLessThan(60);
    expect(drawn[0]).toHaveAttribute("data-id", "dom_000000");
    expect(drawn[0]).toHaveAttribute("aria-rowindex", "2");
    expect(table()).toHaveAttribute("role", "table");
    expect(table()).toHaveAttribute("aria-rowcount", "10001");
    expect(screen.getByRole("table", { name: "Domains" })).toBe(table());
    expect(screen.getAllByRole("columnheader")).toHaveLength(9);
  });

  it("draws other rows when scrolled, and keeps the window small as rows arrive", async () => {
    const { rerender, props } = setup();
    await scrollTo(5000 * 36);
    const drawn = rows();
    expect(drawn.length).toBeLessThan(60);
    expect(drawn.some((r) => r.dataset.id === "dom_005000")).toBe(true);
    expect(drawn.some((r) => r.dataset.id === "dom_000000")).toBe(false);
    expect(row("dom_005000")).toHaveAttribute("aria-rowindex", "5002");

    await rerender({ rows: [...props.rows, ...domains(10_000, 10_000)] });
    expect(table()).toHaveAttribute("aria-rowcount", "20001");
    expect(rows().length).toBeLessThan(60);
    expect(row("dom_005000")).toBeDefined();
  });

  it("shows each column's value in words", () => {
    setup();
    const first = within(row("dom_000000"));
    expect(first.getByText("site-0.example")).toBeVisible();
    expect(first.getByText("Active")).toBeVisible();
    expect(first.getByText("Connected")).toBeVisible();
    expect(first.getByText("Microsoft")).toBeVisible();
    expect(first.getByText("dana@northwind.example")).toBeVisible();
    expect(first.getByText("Google, Microsoft")).toBeVisible();
    const url = first.getByText("https://welcome.example/a/very/long/path");
    expect(url).toHaveAttribute("title", "https://welcome.example/a/very/long/path");
    expect(first.getByText("Mar 4, 2026")).toBeVisible();

    const inventory = within(row("dom_000001"));
    expect(inventory.getByText("Available")).toBeVisible();
    expect(inventory.getByText("Inventory")).toBeVisible();
    // No provider, customer or forwarding: a dash each.
    expect(inventory.getAllByText("—")).toHaveLength(3);
    // A customer whose email is not known yet: the id, not a dash that would read "no customer".
    const unknown = within(row("dom_000002"));
    expect(unknown.getByText("In progress")).toBeVisible();
    expect(unknown.getByTestId("customer-id")).toHaveTextContent("usr_UNKNOWN");
    expect(unknown.getAllByText("—")).toHaveLength(1);
  });

  it("sorts from the header buttons and marks the sorted column", async () => {
    const { onsort, rerender } = setup();
    await fireEvent.click(screen.getByTestId("sort-status"));
    expect(onsort).toHaveBeenCalledWith("status");
    const header = () => screen.getByTestId("sort-status").closest("[role=columnheader]")!;
    expect(header()).not.toHaveAttribute("aria-sort");

    await rerender({ sort: { column: "status", direction: "asc" } });
    expect(header()).toHaveAttribute("aria-sort", "ascending");
    await rerender({ sort: { column: "status", direction: "desc" } });
    expect(header()).toHaveAttribute("aria-sort", "descending");
    const domainHeader = screen.getByTestId("sort-domain").closest("[role=columnheader]");
    expect(domainHeader).not.toHaveAttribute("aria-sort");
  });

  it("shows the header checkbox unchecked, mixed or checked", async () => {
    const few = domains(5);
    const { ontoggleall, rerender } = setup({ rows: few });
    const all = screen.getByTestId("select-all") as HTMLInputElement;
    expect(all).toHaveAccessibleName("Select all 5 rows");
    expect(all.checked).toBe(false);
    expect(all.indeterminate).toBe(false);

    await rerender({ selected: new Set(["dom_000001"]) });
    expect(all.checked).toBe(false);
    expect(all.indeterminate).toBe(true);

    await rerender({ selected: new Set(few.map((d) => d.id)) });
    expect(all.checked).toBe(true);
    expect(all.indeterminate).toBe(false);

    // Ids selected but filtered out of the rows do not count.
    await rerender({ selected: new Set(["dom_999999"]) });
    expect(all.checked).toBe(false);
    expect(all.indeterminate).toBe(false);

    await fireEvent.click(all);
    expect(ontoggleall).toHaveBeenCalledTimes(1);
    // The owner did not change the selection: the box shows that, not the click.
    await vi.waitFor(() => expect(all.checked).toBe(false));
  });

  it("selects a row from its checkbox without opening it", async () => {
    const { ontoggle, onopen } = setup({ selected: new Set(["dom_000003"]) });
    const box = within(row("dom_000003")).getByRole("checkbox", { name: "Select site-3.example" });
    expect(box).toBeChecked();
    await fireEvent.click(within(row("dom_000001")).getByRole("checkbox"));
    expect(ontoggle).toHaveBeenCalledWith("dom_000001");
    expect(onopen).not.toHaveBeenCalled();
  });

  it("opens a row on click and on Enter, selects on Space, moves with the arrows", async () => {
    const { onopen, ontoggle, props } = setup();
    await fireEvent.click(within(row("dom_000004")).getByText("site-4.example"));
    expect(onopen).toHaveBeenLastCalledWith(props.rows[4]);

    const first = row("dom_000000");
    expect(first).toHaveAttribute("tabindex", "0");
    expect(row("dom_000001")).toHaveAttribute("tabindex", "-1");
    first.focus();
    await fireEvent.keyDown(first, { key: "Enter" });
    expect(onopen).toHaveBeenLastCalledWith(props.rows[0]);
    await fireEvent.keyDown(first, { key: " " });
    expect(ontoggle).toHaveBeenCalledWith("dom_000000");

    await fireEvent.keyDown(first, { key: "ArrowDown" });
    await vi.waitFor(() => expect(row("dom_000001")).toHaveFocus());
    expect(row("dom_000001")).toHaveAttribute("tabindex", "0");
    expect(first).toHaveAttribute("tabindex", "-1");
    await fireEvent.keyDown(row("dom_000001"), { key: "ArrowUp" });
    await vi.waitFor(() => expect(first).toHaveFocus());
  });

  it("marks the highlighted row and scrolls back to the top when the reset key changes", async () => {
    const { rerender } = setup({ resetKey: 1 });
    await rerender({ highlight: "dom_000002" });
    expect(row("dom_000002")).toHaveClass("highlight");
    expect(row("dom_000001")).not.toHaveClass("highlight");

    await scrollTo(300 * 36);
    expect(table().scrollTop).toBe(300 * 36);
    await rerender({ resetKey: 2 });
    expect(table().scrollTop).toBe(0);
  });
});

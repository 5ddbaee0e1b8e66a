import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import AvailabilityDialog, { formatPrice, parseNames } from "./AvailabilityDialog.svelte";
import type { Availability } from "../lib/api";

function setup(props: Record<string, unknown> = {}) {
  const oncheck = vi.fn();
  const onclose = vi.fn();
  const result = render(AvailabilityDialog, {
    props: {
      open: true,
      allowed: true,
      neededPreset: "limited or full",
      running: false,
      results: [],
      error: null,
      oncheck,
      onclose,
      ...props,
    },
  });
  return { ...result, oncheck, onclose };
}

const input = () => screen.getByTestId("availability-input");
const check = () => screen.getByTestId("availability-check");

const answers: Availability[] = [
  {
    domain: "acme-mail.com",
    available: true,
    usable_for: ["google", "microsoft"],
    premium: false,
    price_cents: 1200,
    renewal_price_cents: 1499,
    currency: "USD",
  },
  { domain: "google.com", available: false, reason: "taken", usable_for: [] },
  {
    domain: "gold.io",
    available: true,
    premium: true,
    usable_for: ["google"],
    price_cents: 250_000,
    renewal_price_cents: 4_000,
    currency: "EUR",
  },
  { domain: "not a name", available: false, reason: "invalid" },
];

describe("parseNames", () => {
  it("splits on lines, commas and spaces, trims, and drops blanks and repeats", () => {
    expect(parseNames("  acme.com\nbeta.net, gamma.org;delta.io\tACME.com \n\n,")).toEqual([
      "acme.com",
      "beta.net",
      "gamma.org",
      "delta.io",
    ]);
    expect(parseNames(" \n , ")).toEqual([]);
  });
});

describe("formatPrice", () => {
  it("shows cents as money in the answer's currency", () => {
    expect(formatPrice(1200, "USD")).toBe("$12.00");
    expect(formatPrice(1499, null)).toBe("$14.99");
    expect(formatPrice(250_000, "EUR")).toBe("€2,500.00");
    expect(formatPrice(500, "not-a-currency")).toBe("5.00 not-a-currency");
  });
});

describe("AvailabilityDialog", () => {
  it("counts the names as they are typed and checks them without repeats", async () => {
    const { oncheck } = setup();
    expect(screen.getByRole("dialog", { name: "Check availability" })).toBe(
      screen.getByTestId("availability-dialog"),
    );
    expect(input()).toHaveAccessibleName("Domains to check");
    expect(input()).toHaveAccessibleDescription(/One domain per line/);
    expect(screen.getByTestId("availability-count")).toHaveTextContent("No names yet.");
    expect(check()).toBeDisabled();

    await fireEvent.input(input(), { target: { value: "acme.com, beta.net\nacme.com" } });
    expect(screen.getByTestId("availability-count")).toHaveTextContent("2 names.");
    expect(check()).toBeEnabled();
    await fireEvent.click(check());
    expect(oncheck).toHaveBeenCalledWith(["acme.com", "beta.net"]);

    // Ctrl+Enter in the box checks too.
    await fireEvent.keyDown(input(), { key: "Enter", ctrlKey: true });
    expect(oncheck).toHaveBeenCalledTimes(2);
  });

  it("disables Check with the reason when the key's preset cannot check", async () => {
    const { oncheck } = setup({ allowed: false, preset: "read" });
    await fireEvent.input(input(), { target: { value: "acme.com" } });
    expect(check()).toBeDisabled();
    const reason = "This key's preset (read) cannot check availability. Use a limited or full key.";
    expect(screen.getByTestId("availability-blocked")).toHaveTextContent(reason);
    expect(check()).toHaveAccessibleDescription(reason);
    await fireEvent.keyDown(input(), { key: "Enter", ctrlKey: true });
    expect(oncheck).not.toHaveBeenCalled();
  });

  it("shows answers as they come, in batches of 50, then the summary", async () => {
    const { rerender } = setup();
    await fireEvent.input(input(), { target: { value: "a.com b.com c.com d.com" } });
    await fireEvent.click(check());
    await rerender({ running: true, results: answers.slice(0, 2) });
    expect(screen.getByTestId("availability-running")).toHaveTextContent(
      "Checked in batches of 50: 2 of 4 answered so far.",
    );
    expect(check()).toBeDisabled();
    expect(screen.getAllByTestId("availability-row")).toHaveLength(2);

    await rerender({ running: false, results: answers });
    expect(screen.queryByTestId("availability-running")).toBeNull();
    expect(screen.getByTestId("availability-summary")).toHaveTextContent("2 available · 2 not");
    const rows = screen.getAllByTestId("availability-row").map((row) => within(row));
    expect(rows[0]!.getByText("Available")).toBeVisible();
    expect(rows[0]!.getByText("$12.00")).toBeVisible();
    expect(rows[0]!.getByText("$14.99")).toBeVisible();
    expect(rows[0]!.getByText("Google, Microsoft")).toBeVisible();
    expect(rows[1]!.getByText("Taken")).toBeVisible();
    expect(rows[1]!.getByText("Someone already has it")).toBeVisible();
    expect(rows[2]!.getByText("Available (premium)")).toBeVisible();
    expect(rows[2]!.getByText("€2,500.00")).toBeVisible();
    expect(rows[3]!.getByText("Invalid")).toBeVisible();
    expect(rows[3]!.getByText("Not a valid domain name")).toBeVisible();
  });

  it("shows a refusal from the server in the availability words", () => {
    setup({ error: { code: "forbidden", message: "Forbidden", request_id: "req_01NO" } });
    const notice = screen.getByTestId("error-notice");
    expect(notice).toHaveTextContent("This key's preset cannot check availability");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent("req_01NO");
  });

  it("asks to close from Done and from the close button", async () => {
    const { onclose } = setup();
    await fireEvent.click(screen.getByRole("button", { name: "Done" }));
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onclose).toHaveBeenCalledTimes(2);
  });
});

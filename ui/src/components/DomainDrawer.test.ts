import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import DomainDrawer from "./DomainDrawer.svelte";
import type { Domain, ForwardingJob, User } from "../lib/api";
import { formatDateTime } from "../lib/format";

const connected: Domain = {
  id: "dom_01ACME",
  domain: "acme-mail.com",
  category: "connected",
  status: "active",
  usable_for: ["google", "microsoft"],
  created_at: "2026-03-04T10:05:00Z",
  provider: "google",
  user_id: "usr_01A",
  order_id: "ord_01XYZ",
  forwarding_url: "https://acme.example/welcome",
};

const inventory: Domain = {
  id: "dom_01INV",
  domain: "spare-outreach.net",
  category: "inventory",
  status: "available",
  usable_for: [],
  created_at: "2026-01-01T00:00:00Z",
};

const dana: User = {
  id: "usr_01A",
  email: "dana@northwind.example",
  first_name: "Dana",
  last_name: "Scully",
  status: "active",
  created_at: "2025-01-01T00:00:00Z",
};

const job = (over: Partial<ForwardingJob>): ForwardingJob => ({
  id: "fwj_01",
  status: "completed",
  completed_count: 25,
  failed_count: 0,
  forwarding_url: "https://acme.example/welcome",
  completed: ["acme-mail.com"],
  failed: [],
  created_at: "2026-11-20T09:00:00Z",
  completed_at: "2026-11-20T09:00:05Z",
  ...over,
});

function setup(props: Record<string, unknown> = {}) {
  const onclose = vi.fn();
  const oncustomer = vi.fn();
  const result = render(DomainDrawer, {
    props: {
      domain: connected,
      loading: false,
      error: null,
      customer: dana,
      jobs: [],
      onclose,
      oncustomer,
      ...props,
    },
  });
  return { ...result, onclose, oncustomer };
}

const field = (label: string) => {
  const term = within(screen.getByTestId("domain-drawer")).getByText(label, { selector: "dt" });
  return term.nextElementSibling as HTMLElement;
};

describe("DomainDrawer", () => {
  it("is closed without a domain", () => {
    setup({ domain: null });
    expect(screen.queryByTestId("domain-drawer")).toBeNull();
  });

  it("shows every field of a connected domain", async () => {
    const { oncustomer } = setup();
    const drawer = screen.getByRole("dialog", { name: "acme-mail.com" });
    expect(drawer).toBe(screen.getByTestId("domain-drawer"));
    expect(field("Id")).toHaveTextContent("dom_01ACME");
    expect(field("Status")).toHaveTextContent("Active");
    expect(field("Category")).toHaveTextContent("Connected");
    expect(field("Provider")).toHaveTextContent("Google");
    expect(field("Usable for")).toHaveTextContent("Google, Microsoft");
    expect(field("Customer")).toHaveTextContent("dana@northwind.example");
    expect(field("Customer")).toHaveTextContent("Dana Scully");
    expect(field("Order id")).toHaveTextContent("ord_01XYZ");
    expect(field("Forwarding URL")).toHaveTextContent("https://acme.example/welcome");
    expect(field("Created")).toHaveTextContent(formatDateTime("2026-03-04T10:05:00Z"));
    expect(screen.getByText("No forwarding set on this domain from this app yet.")).toBeVisible();

    await fireEvent.click(screen.getByRole("button", { name: "Show this customer's domains" }));
    expect(oncustomer).toHaveBeenCalledWith("usr_01A");
  });

  it("says what an inventory domain lacks, and names an unknown customer by id", async () => {
    const { rerender } = setup({ domain: inventory, customer: undefined });
    expect(field("Provider")).toHaveTextContent("None");
    expect(field("Usable for")).toHaveTextContent("—");
    expect(field("Customer")).toHaveTextContent("Not connected to a customer");
    expect(field("Order id")).toHaveTextContent("—");
    expect(field("Forwarding URL")).toHaveTextContent("Not forwarded");
    expect(screen.queryByRole("button", { name: "Show this customer's domains" })).toBeNull();

    await rerender({ domain: { ...connected, user_id: "usr_01GONE" } });
    expect(field("Customer")).toHaveTextContent("usr_01GONE");
    expect(field("Customer")).toHaveTextContent("Not in the customer list");
  });

  it("lists this app's forwarding jobs with why this domain failed", () => {
    setup({
      jobs: [
        job({
          id: "fwj_02",
          status: "partial_success",
          completed_count: 24,
          failed_count: 1,
          forwarding_url: "https://new.example/",
          completed: [],
          failed: [{ domain: "ACME-mail.com", reason: "not_active" }],
        }),
        job({}),
      ],
    });
    const [second, first] = screen.getAllByTestId("drawer-job");
    expect(second).toHaveTextContent("fwj_02");
    expect(second).toHaveTextContent("Partly done");
    expect(second).toHaveTextContent("24 done · 1 failed");
    expect(second).toHaveTextContent("To https://new.example/");
    expect(within(second!).getByTestId("drawer-job-outcome")).toHaveTextContent(
      "Failed for this domain: not active.",
    );
    expect(first).toHaveTextContent("Completed");
    expect(first).toHaveTextContent(`Started ${formatDateTime("2026-11-20T09:00:00Z")}`);
    expect(within(first!).getByTestId("drawer-job-outcome")).toHaveTextContent(
      "Done for this domain.",
    );
  });

  it("says when it reads a fresh copy, and shows a failure with its request id", () => {
    setup({
      loading: true,
      error: { code: "server", message: "upstream failed", request_id: "req_01DET" },
    });
    expect(screen.getByTestId("drawer-loading")).toHaveTextContent(
      "Reading the latest from the server…",
    );
    expect(screen.getByTestId("domain-drawer")).toHaveAttribute("aria-busy", "true");
    expect(screen.getByTestId("error-request-id")).toHaveTextContent("req_01DET");
    // The loaded row is still shown.
    expect(field("Id")).toHaveTextContent("dom_01ACME");
  });

  it("takes focus, closes on Esc and the close button, and gives focus back", async () => {
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    const { onclose, rerender } = setup();
    expect(screen.getByTestId("drawer-close")).toHaveFocus();
    await fireEvent.keyDown(screen.getByTestId("drawer-close"), { key: "Escape" });
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId("drawer-close"));
    expect(onclose).toHaveBeenCalledTimes(2);

    await rerender({ domain: null });
    expect(screen.queryByTestId("domain-drawer")).toBeNull();
    expect(opener).toHaveFocus();
    opener.remove();
  });

  it("copies the id through the Api when it is given one", async () => {
    const api = { copyText: vi.fn().mockResolvedValue(undefined) };
    setup({ api });
    await fireEvent.click(screen.getByRole("button", { name: "Copy domain id dom_01ACME" }));
    expect(api.copyText).toHaveBeenCalledWith("dom_01ACME");
  });
});

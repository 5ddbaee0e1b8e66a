import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import ForwardingDialog, { urlProblem, whyNot } from "./ForwardingDialog.svelte";
import type { Domain, ForwardingJob } from "../lib/api";

const domain = (name: string, category: string, status: string): Domain => ({
  id: `dom_${name}`,
  domain: `${name}.com`,
  category,
  status,
  usable_for: ["google"],
  created_at: "2026-01-01T00:00:00Z",
  ...(category === "connected" ? { user_id: "usr_01A", provider: "google" } : {}),
});

const selection = [
  domain("alpha", "connected", "active"),
  domain("beta", "connected", "active"),
  domain("gamma", "inventory", "available"),
  domain("delta", "connected", "failed"),
];

const job = (over: Partial<ForwardingJob>): ForwardingJob => ({
  id: "fwj_01",
  status: "in_progress",
  completed_count: 0,
  failed_count: 0,
  forwarding_url: "https://welcome.example/",
  created_at: "2026-11-20T09:00:00Z",
  ...over,
});

function setup(props: Record<string, unknown> = {}) {
  const onstart = vi.fn();
  const onclose = vi.fn();
  const result = render(ForwardingDialog, {
    props: {
      open: true,
      domains: selection,
      running: false,
      progress: null,
      jobs: [],
      error: null,
      onstart,
      onclose,
      ...props,
    },
  });
  return { ...result, onstart, onclose };
}

const url = () => screen.getByTestId("forwarding-url");
const start = () => screen.getByTestId("forwarding-start");

describe("urlProblem", () => {
  it("takes only full https addresses, with the same words as Rust", () => {
    expect(urlProblem(" https://acme.example/welcome ")).toBeNull();
    expect(urlProblem("")).toBe("Enter the address the domains should forward to.");
    for (const bad of ["acme.example", "https://", "not a url"]) {
      expect(urlProblem(bad)).toBe("Enter a full web address, like https://example.com/welcome");
    }
    for (const bad of ["http://acme.example", "ftp://x.y"]) {
      expect(urlProblem(bad)).toBe("The forwarding address must start with https://");
    }
  });
});

describe("whyNot", () => {
  it("says why a domain cannot forward", () => {
    expect(whyNot(selection[0]!)).toBeNull();
    expect(whyNot(selection[2]!)).toBe("inventory domains cannot forward");
    expect(whyNot(selection[3]!)).toBe("not active (failed)");
  });
});

describe("ForwardingDialog", () => {
  it("says how many can forward and lists the others with why", () => {
    setup();
    expect(screen.getByRole("dialog", { name: "Set forwarding" })).toBeVisible();
    expect(screen.getByTestId("forwarding-counts")).toHaveTextContent(
      "4 selected · 2 can take forwarding",
    );
    const others = screen.getAllByTestId("forwarding-ineligible").map((li) => li.textContent);
    expect(others).toEqual([
      "gamma.com: inventory domains cannot forward",
      "delta.com: not active (failed)",
    ]);
    expect(start()).toHaveTextContent("Set forwarding on 2 domains");
  });

  it("checks the address as it is typed and starts with a valid one", async () => {
    const { onstart } = setup();
    expect(url()).toHaveAccessibleName("Forward web visits to");
    expect(url()).not.toHaveAttribute("aria-invalid", "true");

    await fireEvent.input(url(), { target: { value: "http://welcome.example" } });
    expect(url()).toHaveAttribute("aria-invalid", "true");
    expect(url()).toHaveAccessibleDescription("The forwarding address must start with https://");
    expect(start()).toBeDisabled();

    await fireEvent.input(url(), { target: { value: "welcome" } });
    expect(screen.getByTestId("forwarding-url-problem")).toHaveTextContent(
      "Enter a full web address, like https://example.com/welcome",
    );

    await fireEvent.input(url(), { target: { value: " https://welcome.example/hi " } });
    expect(url()).toHaveAttribute("aria-invalid", "false");
    expect(screen.queryByTestId("forwarding-url-problem")).toBeNull();
    await fireEvent.click(start());
    expect(onstart).toHaveBeenCalledWith("https://welcome.example/hi");
  });

  it("asks for an address when Start is pressed without one", async () => {
    const { onstart } = setup();
    await fireEvent.click(start());
    expect(onstart).not.toHaveBeenCalled();
    expect(screen.getByTestId("forwarding-url-problem")).toHaveTextContent(
      "Enter the address the domains should forward to.",
    );
    expect(url()).toHaveFocus();
  });

  it("cannot start when none of the selection can forward", () => {
    setup({ domains: [selection[2], selection[3]] });
    expect(screen.getByTestId("forwarding-counts")).toHaveTextContent(
      "2 selected · 0 can take forwarding",
    );
    expect(screen.getByText(/Only domains connected to a customer and active/)).toBeVisible();
    expect(start()).toBeDisabled();
  });

  it("shows each job's progress while running", () => {
    setup({
      running: true,
      progress: {
        jobs: [
          job({ id: "fwj_01", status: "completed", completed_count: 25 }),
          job({ id: "fwj_02", completed_count: 10, failed_count: 1 }),
        ],
        batches_left: 2,
      },
    });
    const jobs = screen.getAllByTestId("forwarding-job");
    expect(jobs[0]).toHaveTextContent("Job 1 of 4: 25 done");
    expect(jobs[0]).toHaveTextContent("Completed");
    expect(jobs[1]).toHaveTextContent("Job 2 of 4: 10 done, 1 failed");
    expect(jobs[1]).toHaveTextContent("In progress");
    expect(screen.getByTestId("forwarding-overall")).toHaveTextContent("2 jobs still to start");
    expect(start()).toBeDisabled();
    expect(url()).toBeDisabled();
    expect(screen.getByRole("button", { name: "Hide" })).toBeVisible();
  });

  it("shows the result and every failure with its reason in words", () => {
    setup({
      jobs: [
        job({
          id: "fwj_01",
          status: "partial_success",
          completed_count: 22,
          failed_count: 3,
          failed: [
            { domain: "gone.com", reason: "not_found" },
            { domain: "spare.com", reason: "not_connected" },
            { domain: "stuck.com", reason: "not_active" },
          ],
        }),
        job({ id: "fwj_02", status: "completed", completed_count: 5 }),
      ],
    });
    expect(screen.getByTestId("forwarding-result")).toHaveTextContent(
      "Forwarding set on 27 domains; 3 failed.",
    );
    expect(screen.getAllByTestId("forwarding-failure").map((li) => li.textContent)).toEqual([
      "gone.com: not found or outside this key's scope",
      "spare.com: not connected to a customer",
      "stuck.com: not active",
    ]);
    expect(screen.getAllByTestId("forwarding-job")[0]).toHaveTextContent("Partly done");
    expect(screen.getByRole("button", { name: "Done" })).toBeVisible();
  });

  it("shows a refusal in the forwarding words, with the request id", () => {
    setup({ error: { code: "forbidden", message: "no", request_id: "req_01FWD" } });
    const notice = screen.getByTestId("error-notice");
    expect(notice).toHaveTextContent("This key's preset cannot set forwarding");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent("req_01FWD");
  });
});

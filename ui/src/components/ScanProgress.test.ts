import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/svelte";
import ScanProgress, { formatDuration } from "./ScanProgress.svelte";
import type { IpcError } from "../lib/api";

type State = "idle" | "loading" | "paused" | "waiting" | "failed" | "done" | "cancelled";

function setup(state: State, props: Record<string, unknown> = {}) {
  const handlers = {
    onpause: vi.fn(),
    onresume: vi.fn(),
    oncancel: vi.fn(),
    onretry: vi.fn(),
  };
  const result = render(ScanProgress, {
    props: {
      state,
      loaded: 12_300,
      pages: 123,
      expected: 100_000,
      ratePerSecond: 1_000,
      etaSeconds: 87.7,
      waitSeconds: null,
      error: null,
      ...handlers,
      ...props,
    },
  });
  return { ...result, ...handlers };
}

const line = () => screen.getByTestId("scan-line");
const buttons = () =>
  within(screen.getByTestId("scan-progress"))
    .queryAllByRole("button")
    .map((b) => b.dataset.testid);

describe("ScanProgress", () => {
  it("formats durations in words", () => {
    expect(formatDuration(7)).toBe("7 s");
    expect(formatDuration(0.2)).toBe("1 s");
    expect(formatDuration(88)).toBe("1 min 28 s");
    expect(formatDuration(120)).toBe("2 min");
    expect(formatDuration(3900)).toBe("1 h 5 min");
    expect(formatDuration(7200)).toBe("2 h");
  });

  it("shows the counts, rate and time left while loading, with Pause and Cancel", async () => {
    const { onpause, oncancel } = setup("loading");
    expect(line()).toHaveTextContent(
      "12,300 of 100,000 domains · 123 pages · 1,000 rows/s · about 1 min 28 s left",
    );
    const bar = screen.getByRole("progressbar", { name: "Domains loaded" });
    expect(bar).toHaveAttribute("max", "100000");
    expect(bar).toHaveAttribute("value", "12300");
    expect(screen.getByRole("status")).toHaveTextContent("Loading domains.");
    expect(buttons()).toEqual(["scan-pause", "scan-cancel"]);
    await fireEvent.click(screen.getByTestId("scan-pause"));
    expect(onpause).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId("scan-cancel"));
    expect(oncancel).toHaveBeenCalledTimes(1);
  });

  it("leaves out what is not known yet", () => {
    setup("loading", { expected: null, ratePerSecond: null, etaSeconds: null, pages: 1 });
    expect(line()).toHaveTextContent(/^12,300 domains · 1 page$/);
    // No total: the bar does not pretend to know how far it is.
    expect(screen.getByRole("progressbar")).not.toHaveAttribute("value");
  });

  it("explains a wait the server asked for, with the request id, and keeps going", () => {
    const error: IpcError = {
      code: "rate_limited",
      message: "Too many requests",
      request_id: "req_01WAIT",
      retry_after_seconds: 7,
    };
    setup("waiting", { waitSeconds: 7, error });
    expect(screen.getByTestId("scan-wait")).toHaveTextContent(
      "The server asked us to wait 7 s (rate limit). Nothing is lost; loading goes on by itself.",
    );
    expect(screen.getByTestId("scan-wait")).toHaveTextContent("Request id: req_01WAIT");
    expect(line()).not.toHaveTextContent("left");
    expect(buttons()).toEqual(["scan-pause", "scan-cancel"]);
  });

  it("says what failed for a moment when it was not a rate limit", () => {
    setup("waiting", { waitSeconds: 2, error: { code: "server", message: "502" } });
    expect(screen.getByTestId("scan-wait")).toHaveTextContent(
      "The server had a problem. Trying again in 2 s. Nothing is lost",
    );
  });

  it("shows a failure with its request id, keeps the rows and offers Resume", async () => {
    const { onresume } = setup("failed", {
      error: { code: "server", message: "upstream failed", request_id: "req_01FAIL" },
    });
    const notice = screen.getByTestId("error-notice");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent("req_01FAIL");
    expect(screen.getByTestId("scan-kept")).toHaveTextContent(
      "Kept the 12,300 domains loaded so far.",
    );
    expect(buttons()).toEqual(["scan-resume"]);
    await fireEvent.click(screen.getByTestId("scan-resume"));
    expect(onresume).toHaveBeenCalledTimes(1);
  });

  it("offers Resume and Cancel when paused", async () => {
    const { onresume } = setup("paused");
    expect(line()).toHaveTextContent("Paused at 12,300 of 100,000 domains · 123 pages");
    expect(buttons()).toEqual(["scan-resume", "scan-cancel"]);
    await fireEvent.click(screen.getByTestId("scan-resume"));
    expect(onresume).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("status")).toHaveTextContent("Loading paused.");
  });

  it("says when everything is loaded, with no buttons", () => {
    setup("done", { loaded: 100_000, pages: 1_000 });
    expect(line()).toHaveTextContent("All 100,000 domains loaded · 1,000 pages");
    expect(buttons()).toEqual([]);
    expect(screen.queryByRole("progressbar")).toBeNull();
  });

  it("says where it stopped when cancelled and can load again", async () => {
    const { onretry } = setup("cancelled");
    expect(line()).toHaveTextContent("Stopped at 12,300 of 100,000 domains");
    expect(buttons()).toEqual(["scan-retry"]);
    await fireEvent.click(screen.getByTestId("scan-retry"));
    expect(onretry).toHaveBeenCalledTimes(1);
  });

  it("says nothing is loaded before it starts", () => {
    setup("idle", { loaded: 0, pages: 0 });
    expect(line()).toHaveTextContent("No domains loaded yet.");
    expect(buttons()).toEqual([]);
  });
});

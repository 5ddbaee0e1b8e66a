import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import RequestLogPanel, { REFRESH_MS } from "./RequestLogPanel.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";
import type { RequestLogEntry } from "../lib/api";

const entry = (overrides: Partial<RequestLogEntry>): RequestLogEntry => ({
  seq: 100,
  started_at: "2026-11-20T10:00:30Z",
  method: "GET",
  path: "/api/partner/v1/me",
  status: 200,
  latency_ms: 41,
  waited_ms: 0,
  request_id: "req_x",
  error: null,
  attempt: 1,
  ...overrides,
});

/** A portal whose log holds a success, a 401, a retried timeout with no answer and a 503. */
async function portalWithLog() {
  const portal = new FakePortal();
  await portal.api.listKeys({});
  await portal.api.verifyKey("key_01OLD").catch(() => {});
  portal.log.unshift(
    entry({
      seq: 50,
      path: "/api/portal/v1/api_keys?per_page=100&cursor=a-very-long-cursor-value-that-does-not-fit",
      status: null,
      error: "timeout",
      latency_ms: 10000,
      request_id: null,
      attempt: 2,
    }),
    entry({ seq: 51, status: 503, error: "server", request_id: "req_503", method: "POST" }),
  );
  return portal;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("RequestLogPanel", () => {
  it("lists the requests with status, method, path, latency, attempt, time and request id", async () => {
    const portal = await portalWithLog();
    render(RequestLogPanel, { props: { api: fakeApi({}, portal), open: true, onclose: () => {} } });

    const entries = await screen.findAllByTestId("request-log-entry");
    expect(entries).toHaveLength(4);

    const [timedOut, unavailable, refused, listed] = entries;
    const timedOutStatus = within(timedOut!).getByTestId("request-status");
    expect(timedOutStatus).toHaveTextContent("—timeout");
    expect(timedOutStatus).toHaveClass("failed");
    expect(within(timedOut!).getByTestId("request-attempt")).toHaveTextContent("attempt 2 (retry)");
    const path = within(timedOut!).getByText(/cursor=a-very-long/);
    expect(path).toHaveAttribute("title", path.textContent);
    expect(timedOut).toHaveTextContent("No request id");
    expect(timedOut).toHaveTextContent("10000 ms");

    expect(within(unavailable!).getByTestId("request-status")).toHaveClass("server");
    expect(unavailable).toHaveTextContent("POST");

    expect(within(refused!).getByTestId("request-status")).toHaveTextContent("401");
    expect(within(refused!).getByTestId("request-status")).toHaveClass("client");

    expect(within(listed!).getByTestId("request-status")).toHaveTextContent("200");
    expect(within(listed!).getByTestId("request-status")).toHaveClass("ok");
    expect(listed).toHaveTextContent("/api/portal/v1/api_keys?per_page=100");
    expect(within(listed!).getByTestId("request-attempt")).toHaveTextContent("attempt 1");
  });

  it("copies a request id through Rust", async () => {
    const portal = await portalWithLog();
    render(RequestLogPanel, { props: { api: fakeApi({}, portal), open: true, onclose: () => {} } });
    const entries = await screen.findAllByTestId("request-log-entry");
    await fireEvent.click(within(entries[1]!).getByTestId("copy-request-id"));
    await waitFor(() => expect(portal.clipboard).toBe("req_503"));
  });

  it("refreshes every 3 s while open and stops when closed", async () => {
    vi.useFakeTimers();
    const portal = new FakePortal();
    const api = fakeApi({}, portal);
    const view = render(RequestLogPanel, { props: { api, open: true, onclose: () => {} } });
    await vi.waitFor(() => expect(screen.getByTestId("request-log-empty")).toBeInTheDocument());
    expect(api.requestLog).toHaveBeenCalledTimes(1);

    await portal.api.listKeys({});
    await vi.advanceTimersByTimeAsync(REFRESH_MS);
    expect(api.requestLog).toHaveBeenCalledTimes(2);
    expect(screen.getAllByTestId("request-log-entry")).toHaveLength(1);

    await view.rerender({ open: false });
    expect(screen.queryByTestId("request-log")).not.toBeInTheDocument();
    await vi.advanceTimersByTimeAsync(REFRESH_MS * 3);
    expect(api.requestLog).toHaveBeenCalledTimes(2);
  });

  it("refreshes on demand", async () => {
    const portal = new FakePortal();
    render(RequestLogPanel, { props: { api: fakeApi({}, portal), open: true, onclose: () => {} } });
    await screen.findByTestId("request-log-empty");
    await portal.api.listKeys({});
    await fireEvent.click(screen.getByTestId("refresh-request-log"));
    expect(await screen.findAllByTestId("request-log-entry")).toHaveLength(1);
  });

  it("shows a failed read and keeps the entries it had", async () => {
    const portal = await portalWithLog();
    render(RequestLogPanel, { props: { api: fakeApi({}, portal), open: true, onclose: () => {} } });
    await screen.findAllByTestId("request-log-entry");
    portal.failNext("requestLog", { code: "session_expired", message: "signed out" });
    await fireEvent.click(screen.getByTestId("refresh-request-log"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "session_expired");
    expect(screen.getAllByTestId("request-log-entry")).toHaveLength(4);
  });

  it("closes with Esc and with its close button, and is not a modal", async () => {
    const onclose = vi.fn();
    render(RequestLogPanel, {
      props: { api: fakeApi({}, new FakePortal()), open: true, onclose },
    });
    const panel = await screen.findByTestId("request-log");
    expect(panel.tagName).toBe("ASIDE");
    expect(panel).toHaveAccessibleName("Request log");
    await waitFor(() => expect(screen.getByTestId("close-request-log")).toHaveFocus());

    await fireEvent.keyDown(window, { key: "Escape" });
    expect(onclose).toHaveBeenCalledTimes(1);
    await fireEvent.click(screen.getByTestId("close-request-log"));
    expect(onclose).toHaveBeenCalledTimes(2);
  });

  it("leaves Esc to an open modal dialog", async () => {
    const onclose = vi.fn();
    const dialog = document.createElement("dialog");
    dialog.setAttribute("open", "");
    document.body.append(dialog);
    render(RequestLogPanel, {
      props: { api: fakeApi({}, new FakePortal()), open: true, onclose },
    });
    await screen.findByTestId("request-log");
    await fireEvent.keyDown(window, { key: "Escape" });
    expect(onclose).not.toHaveBeenCalled();
    dialog.remove();
  });

  it("gives the focus back to the opener when it closes", async () => {
    const opener = document.createElement("button");
    opener.textContent = "Requests";
    document.body.append(opener);
    opener.focus();
    const view = render(RequestLogPanel, {
      props: { api: fakeApi({}, new FakePortal()), open: true, onclose: () => {} },
    });
    await waitFor(() => expect(screen.getByTestId("close-request-log")).toHaveFocus());
    await view.rerender({ open: false });
    expect(opener).toHaveFocus();
    opener.remove();
  });

  it("reads nothing while closed", async () => {
    const api = fakeApi({}, new FakePortal());
    render(RequestLogPanel, { props: { api, open: false, onclose: () => {} } });
    expect(screen.queryByTestId("request-log")).not.toBeInTheDocument();
    expect(api.requestLog).not.toHaveBeenCalled();
  });
});

import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import Activity from "./Activity.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";
import { formatDateTime } from "../lib/format";

/** A portal where a key was made and copied, and the live key verified. */
async function busyPortal() {
  const portal = new FakePortal();
  const created = await portal.api.createKey({
    label: "Billing sync",
    environment: "test",
    preset: "read",
    customer: null,
    expires_at: null,
    save: true,
  });
  await portal.api.copyRevealed(created.key.id);
  await portal.api.verifyKey("key_01LIVE");
  return { portal, created };
}

describe("Activity", () => {
  it("lists what happened in plain words, newest first, with key, source and when", async () => {
    const { portal } = await busyPortal();
    render(Activity, { props: { api: fakeApi({}, portal) } });

    const items = await screen.findAllByTestId("activity-item");
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent("Verified: accepted in 18 ms");
    expect(items[0]).toHaveTextContent("Production backend");
    expect(items[0]).toHaveTextContent("LIVE");
    expect(items[0]).toHaveTextContent("This computer");
    expect(items[1]).toHaveTextContent("Secret copied from the reveal step");
    expect(items[1]).toHaveTextContent("Billing sync");
    expect(items[1]).toHaveTextContent("TEST");
    expect(items[2]).toHaveTextContent("Key created");
    expect(items[2]).toHaveTextContent("Server");

    const time = items[2]!.querySelector("time");
    const at = time?.getAttribute("datetime") ?? "";
    expect(time).toHaveTextContent(formatDateTime(at));
  });

  it("copies a request id through Rust", async () => {
    const { portal } = await busyPortal();
    render(Activity, { props: { api: fakeApi({}, portal) } });
    const created = (await screen.findAllByTestId("activity-item"))[2]!;
    const rid = within(created).getByText(/^req_/).textContent ?? "";
    const copy = within(created).getByTestId("copy-request-id");
    expect(copy).toHaveAccessibleName(`Copy request id ${rid}`);
    await fireEvent.click(copy);
    await waitFor(() => expect(portal.clipboard).toBe(rid));
    expect(copy).toHaveTextContent("Copied");
  });

  it("shows a copy failure with its notice", async () => {
    const { portal } = await busyPortal();
    portal.failNext("copyText", { code: "internal", message: "clipboard unavailable" });
    render(Activity, { props: { api: fakeApi({}, portal) } });
    const created = (await screen.findAllByTestId("activity-item"))[2]!;
    await fireEvent.click(within(created).getByTestId("copy-request-id"));
    expect(await screen.findByTestId("error-notice")).toHaveTextContent("clipboard unavailable");
  });

  it("filters by key with the select", async () => {
    const { portal, created } = await busyPortal();
    const api = fakeApi({}, portal);
    render(Activity, { props: { api } });
    await screen.findAllByTestId("activity-item");
    const select = screen.getByTestId("activity-filter-key");
    expect(select).toHaveAccessibleName("Key");
    await fireEvent.change(select, { target: { value: created.key.id } });
    await waitFor(() => expect(screen.getAllByTestId("activity-item")).toHaveLength(2));
    expect(api.activity).toHaveBeenLastCalledWith(created.key.id, 200);
    await fireEvent.change(select, { target: { value: "" } });
    await waitFor(() => expect(screen.getAllByTestId("activity-item")).toHaveLength(3));
  });

  it("starts with the key the shell opened it for", async () => {
    const { portal } = await busyPortal();
    const api = fakeApi({}, portal);
    render(Activity, { props: { api, keyId: "key_01LIVE" } });
    const items = await screen.findAllByTestId("activity-item");
    expect(items).toHaveLength(1);
    expect(api.activity).toHaveBeenCalledWith("key_01LIVE", 200);
    expect(screen.getByTestId("activity-filter-key")).toHaveValue("key_01LIVE");
  });

  it("names a key by its id when the key list could not be read", async () => {
    const { portal } = await busyPortal();
    portal.failNext("listKeys", { code: "network", message: "down" });
    render(Activity, { props: { api: fakeApi({}, portal) } });
    const items = await screen.findAllByTestId("activity-item");
    expect(items[0]).toHaveTextContent("key_01LIVE");
    expect(screen.queryByTestId("error-notice")).not.toBeInTheDocument();
  });

  it("says so when nothing happened yet", async () => {
    render(Activity, { props: { api: fakeApi({}, new FakePortal()) } });
    expect(await screen.findByTestId("activity-empty")).toHaveTextContent("Nothing happened yet");
  });

  it("shows a failed read with its request id, and recovers on refresh", async () => {
    const { portal } = await busyPortal();
    portal.failNext("activity", {
      code: "server",
      message: "upstream failed",
      request_id: "req_activity_500",
    });
    render(Activity, { props: { api: fakeApi({}, portal) } });
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "server");
    expect(within(notice).getByTestId("error-request-id")).toHaveTextContent("req_activity_500");
    expect(screen.queryByTestId("activity-empty")).not.toBeInTheDocument();

    await fireEvent.click(screen.getByTestId("refresh-activity"));
    expect(await screen.findAllByTestId("activity-item")).toHaveLength(3);
    expect(screen.queryByTestId("error-notice")).not.toBeInTheDocument();
  });
});

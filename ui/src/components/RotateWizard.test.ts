import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import RotateWizard from "./RotateWizard.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";
import { NOW } from "../testing/fake-portal";
import type { Api, ApiKey, OldKey, Usage } from "../lib/api";

function renderWizard(portal = new FakePortal(), overrides: Partial<Api> = {}) {
  const api = fakeApi(overrides, portal);
  const onclose = vi.fn();
  const key = portal.keys.find((k) => k.id === "key_01LIVE")!;
  const view = render(RotateWizard, { props: { api, open: true, key, onclose } });
  return { portal, api, onclose, view, key };
}

const byId = (id: string) => screen.getByTestId(id);

/** Rotates with the chosen option and closes the reveal step. */
async function rotateThrough(option = "old-keep") {
  await fireEvent.click(byId(option));
  await fireEvent.click(byId("rotate-submit"));
  await screen.findByTestId("secret-reveal");
  await fireEvent.click(byId("stored-confirm"));
  await fireEvent.click(byId("close-reveal"));
  await screen.findByTestId("traffic-view");
}

/** An hour of usage with `recent` requests in each of the last five minutes and none before. */
function usage(recent: number): Usage {
  const buckets = Array.from({ length: 60 }, (_, i) => ({
    start: new Date(NOW - (59 - i) * 60_000).toISOString(),
    count: i >= 55 ? recent : 0,
  }));
  return { window: "1h", buckets, total: recent * 5, last_used_at: null };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("RotateWizard: the old key", () => {
  it("explains rotation and keeps both keys by default", async () => {
    renderWizard();
    const dialog = byId("rotate-wizard");
    expect(dialog).toHaveTextContent("Rotate “Production backend”");
    expect(dialog).toHaveTextContent("The old secret keeps working while you deploy the new one");
    expect(dialog).toHaveTextContent("LIVE");
    expect(byId("old-keep")).toBeChecked();
    expect(byId("old-keep")).toHaveFocus();
    expect(byId("rotate-submit")).toHaveTextContent("Rotate key");
  });

  const cases: [string, OldKey][] = [
    ["old-keep", { kind: "keep_until_revoked" }],
    ["old-expire-1h", { kind: "expire_in", seconds: 3600 }],
    ["old-expire-24h", { kind: "expire_in", seconds: 86400 }],
    ["old-expire-7d", { kind: "expire_in", seconds: 604800 }],
    ["old-revoke", { kind: "revoke_now" }],
  ];
  for (const [option, oldKey] of cases) {
    it(`asks for ${JSON.stringify(oldKey)} with ${option}`, async () => {
      const { api, portal, key } = renderWizard();
      await fireEvent.click(byId(option));
      expect(byId(option)).toBeChecked();
      await fireEvent.click(byId("rotate-submit"));
      await screen.findByTestId("secret-reveal");
      expect(api.rotateKey).toHaveBeenCalledWith(key.id, oldKey, true);
      const old = portal.keys.find((k) => k.id === key.id)!;
      if (oldKey.kind === "revoke_now") expect(old.status).toBe("revoked");
      else expect(old.status).toBe("active");
      if (oldKey.kind === "expire_in") {
        expect(Date.parse(old.expires_at!)).toBe(NOW + oldKey.seconds * 1000);
      } else {
        expect(old.expires_at ?? null).toBeNull();
      }
    });
  }

  it("warns that revoking now breaks whatever still uses the old key", async () => {
    renderWizard();
    expect(screen.queryByTestId("old-revoke-warning")).toBeNull();
    await fireEvent.click(byId("old-revoke"));
    expect(byId("old-revoke-warning")).toHaveTextContent(
      "Anything still using the old key breaks at once.",
    );
    expect(byId("rotate-submit")).toHaveTextContent("Rotate and revoke old key");
  });

  it("shows a refused rotation", async () => {
    const portal = new FakePortal();
    portal.failNext("rotateKey", {
      code: "conflict",
      message: "Only an active key that was not rotated can be rotated",
      request_id: "req_01ROT",
    });
    const { onclose } = renderWizard(portal);
    await fireEvent.click(byId("rotate-submit"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveTextContent("This key cannot be rotated any more");
    expect(notice).toHaveTextContent("req_01ROT");
    expect(byId("rotate-submit")).toBeEnabled();
    expect(onclose).not.toHaveBeenCalled();
  });

  it("says why a key that is not active cannot be rotated", async () => {
    const portal = new FakePortal();
    const api = fakeApi({}, portal);
    const key: ApiKey = portal.keys.find((k) => k.id === "key_01OLD")!;
    render(RotateWizard, { props: { api, open: true, key, onclose: vi.fn() } });
    expect(byId("rotate-submit")).toBeDisabled();
    expect(byId("rotate-submit")).toHaveAccessibleDescription("Only an active key can be rotated.");
  });

  it("cancels without rotating", async () => {
    const { onclose, api } = renderWizard();
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onclose).toHaveBeenCalledWith(false);
    expect(api.rotateKey).not.toHaveBeenCalled();
  });
});

describe("RotateWizard: the new secret", () => {
  it("reveals the new secret once and will not be closed before it is stored", async () => {
    const { portal, onclose } = renderWizard();
    await fireEvent.click(byId("rotate-submit"));
    await screen.findByTestId("secret-reveal");
    const newKey = portal.keys[0]!;
    expect(portal.keyring.get(newKey.id)).toBe(portal.secrets.get(newKey.id));
    await fireEvent.keyDown(byId("copy-secret"), { key: "Escape" });
    expect(onclose).not.toHaveBeenCalled();
    expect(byId("secret-reveal")).toBeInTheDocument();
    await fireEvent.click(byId("stored-confirm"));
    await fireEvent.click(byId("close-reveal"));
    await screen.findByTestId("traffic-view");
    expect(screen.getByRole("heading", { name: /Traffic of the old/ })).toHaveFocus();
    expect(portal.reveals.has(newKey.id)).toBe(false);
    expect(screen.queryByTestId("secret-value")).toBeNull();
  });
});

describe("RotateWizard: traffic", () => {
  it("shows old vs new traffic of the last hour and the last five minutes", async () => {
    const { api, portal, key } = renderWizard(new FakePortal(), {
      keyUsage: async (id) => (id === "key_01LIVE" ? usage(3) : usage(7)),
    });
    await rotateThrough();
    const newKey = portal.keys[0]!;
    await waitFor(() => expect(byId("old-recent")).toHaveTextContent("15 requests"));
    expect(byId("new-recent")).toHaveTextContent("35 requests");
    expect(api.keyUsage).toHaveBeenCalledWith(key.id, "1h");
    expect(api.keyUsage).toHaveBeenCalledWith(newKey.id, "1h");
    expect(byId("traffic-verdict")).toHaveTextContent("The old key is still in use");
    const chart = byId("usage-chart");
    expect(chart.getAttribute("aria-label")).toMatch(/Old key …9a1f: 15 in total/);
    expect(chart.getAttribute("aria-label")).toMatch(/New key …\w{4}: 35 in total/);
    expect(byId("traffic-view")).toHaveTextContent("stays active until you revoke it");
  });

  it("says when the old key has gone quiet", async () => {
    renderWizard(new FakePortal(), {
      keyUsage: async (id) => (id === "key_01LIVE" ? usage(0) : usage(4)),
    });
    await rotateThrough();
    await waitFor(() =>
      expect(byId("traffic-verdict")).toHaveTextContent(
        "The old key had no requests in the last 5 minutes: safe to revoke.",
      ),
    );
  });

  it("says when the old key expires", async () => {
    renderWizard();
    await rotateThrough("old-expire-24h");
    expect(byId("traffic-view")).toHaveTextContent("The old key stops working on");
  });

  it("reads the usage again every 5 seconds while open, and stops when closed", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { api, onclose } = renderWizard();
    await rotateThrough();
    await waitFor(() => expect(api.keyUsage).toHaveBeenCalledTimes(2));
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.keyUsage).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.keyUsage).toHaveBeenCalledTimes(6);

    await fireEvent.click(byId("rotate-done"));
    expect(onclose).toHaveBeenCalledWith(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.keyUsage).toHaveBeenCalledTimes(6);
  });

  it("stops reading the usage when it goes away", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { api, view } = renderWizard();
    await rotateThrough();
    await waitFor(() => expect(api.keyUsage).toHaveBeenCalledTimes(2));
    view.unmount();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.keyUsage).toHaveBeenCalledTimes(2);
  });

  it("keeps reading after a failed read, and shows the failure", async () => {
    const portal = new FakePortal();
    portal.failNext("keyUsage", { code: "timeout", message: "timed out" });
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { api } = renderWizard(portal);
    await rotateThrough();
    expect(await screen.findByTestId("error-notice")).toHaveAttribute("data-code", "timeout");
    await vi.advanceTimersByTimeAsync(5000);
    expect(api.keyUsage).toHaveBeenCalledTimes(4);
    expect(screen.queryByTestId("error-notice")).toBeNull();
  });

  it("revokes the old key after an inline confirmation", async () => {
    const { api, portal, key, onclose } = renderWizard();
    await rotateThrough();
    await fireEvent.click(byId("revoke-old"));
    expect(byId("traffic-view")).toHaveTextContent("Revoke the old key now?");
    expect(byId("revoke-old-confirm")).toHaveFocus();
    expect(api.revokeKey).not.toHaveBeenCalled();

    // Changing one's mind puts things back.
    await fireEvent.click(byId("revoke-old-cancel"));
    expect(screen.queryByTestId("revoke-old-confirm")).toBeNull();
    await waitFor(() => expect(byId("revoke-old")).toHaveFocus());

    await fireEvent.click(byId("revoke-old"));
    await fireEvent.click(byId("revoke-old-confirm"));
    await waitFor(() => expect(byId("traffic-verdict")).toHaveTextContent("revoked"));
    expect(api.revokeKey).toHaveBeenCalledWith(key.id);
    expect(portal.keys.find((k) => k.id === key.id)!.status).toBe("revoked");
    expect(screen.queryByTestId("revoke-old")).toBeNull();

    await fireEvent.click(byId("rotate-done"));
    expect(onclose).toHaveBeenCalledWith(true);
  });

  it("takes back the revoke question with Esc, without closing the dialog", async () => {
    const { onclose, api } = renderWizard();
    await rotateThrough();
    await fireEvent.click(byId("revoke-old"));
    await fireEvent.keyDown(byId("revoke-old-confirm"), { key: "Escape" });
    expect(screen.queryByTestId("revoke-old-confirm")).toBeNull();
    expect(onclose).not.toHaveBeenCalled();
    expect(api.revokeKey).not.toHaveBeenCalled();
  });

  it("shows a failed revoke", async () => {
    const portal = new FakePortal();
    portal.failNext("revokeKey", { code: "network", message: "connection reset" });
    renderWizard(portal);
    await rotateThrough();
    await fireEvent.click(byId("revoke-old"));
    await fireEvent.click(byId("revoke-old-confirm"));
    expect(await screen.findByTestId("error-notice")).toHaveAttribute("data-code", "network");
    expect(byId("revoke-old-confirm")).toBeEnabled();
  });

  it("has nothing to revoke when the old key was revoked by the rotation", async () => {
    renderWizard();
    await rotateThrough("old-revoke");
    expect(byId("traffic-verdict")).toHaveTextContent("The old key is revoked");
    expect(screen.queryByTestId("revoke-old")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Home from "./Home.svelte";
import { SessionStore } from "../lib/session.svelte";
import { fakeApi, sessionView } from "../testing/fake-api";
import { formatDateTime } from "../lib/format";

async function renderHome(view = sessionView(), api = fakeApi()) {
  const session = new SessionStore(fakeApi({ ...api, currentSession: async () => view }));
  await session.load();
  render(Home, { props: { session, view } });
  return { session };
}

describe("Home", () => {
  it("shows the partner, the admin, the server and the expiry", async () => {
    await renderHome();
    expect(screen.getByTestId("partner-name")).toHaveTextContent("Acme Analytics");
    expect(screen.getByTestId("admin-name")).toHaveTextContent("Ada Lovelace");
    expect(screen.getByTestId("admin-email")).toHaveTextContent("ada@acme.test");
    expect(screen.getByTestId("server-kind")).toHaveTextContent("Local sandbox");
    expect(screen.getByTestId("server-url")).toHaveTextContent("http://127.0.0.1:43117");
    const expires = screen.getByTestId("session-expires");
    expect(expires).toHaveAttribute("datetime", "2031-05-04T13:30:00Z");
    expect(expires).toHaveTextContent(formatDateTime("2031-05-04T13:30:00Z"));
    expect(expires.textContent).toMatch(/2031/);
  });

  it("reports the signed-in milestone once it has painted", async () => {
    const api = fakeApi();
    const session = new SessionStore(api);
    render(Home, { props: { session, view: sessionView() } });
    await waitFor(() => expect(api.reportPainted).toHaveBeenCalledWith("signed_in"));
  });

  it("names a remote server as the Peeker API", async () => {
    await renderHome(
      sessionView({ server: { kind: "remote", base_url: "https://api.peeker.ai" } }),
    );
    expect(screen.getByTestId("server-kind")).toHaveTextContent("Peeker API");
    expect(screen.getByTestId("server-url")).toHaveTextContent("https://api.peeker.ai");
  });

  it("signs out", async () => {
    const { session } = await renderHome();
    await fireEvent.click(screen.getByTestId("sign-out"));
    await waitFor(() => expect(session.session).toBeNull());
  });
});

describe("formatDateTime", () => {
  it("leaves a value that is not a timestamp as it is", () => {
    expect(formatDateTime("soon")).toBe("soon");
    expect(formatDateTime("2031-05-04T13:30:00Z", "en-GB")).toMatch(/4 May 2031/);
  });
});

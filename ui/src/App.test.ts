import { describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import App from "./App.svelte";
import { SessionStore } from "./lib/session.svelte";
import { fakeApi } from "./testing/fake-api";

describe("App", () => {
  it("goes from Connect to Home on sign-in and back on sign-out", async () => {
    const api = fakeApi();
    const session = new SessionStore(api);
    render(App, { props: { session, api } });
    expect(screen.queryByTestId("connect-screen")).toBeNull();
    await session.load();
    expect(await screen.findByTestId("connect-screen")).toBeVisible();

    await fireEvent.click(screen.getByTestId("sign-in"));
    expect(await screen.findByTestId("home-screen")).toBeVisible();
    expect(screen.queryByTestId("connect-screen")).toBeNull();
    expect(screen.getByTestId("partner-name")).toHaveTextContent("Acme Analytics");
    // Signed in, the shell opens on the partner's keys.
    expect(await screen.findByTestId("keys-screen")).toBeVisible();
    expect(await screen.findAllByTestId("key-row")).toHaveLength(3);

    await fireEvent.click(screen.getByTestId("sign-out"));
    expect(await screen.findByTestId("connect-screen")).toBeVisible();
  });
});

import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import Connect from "./Connect.svelte";
import { SessionStore } from "../lib/session.svelte";
import type { SessionView } from "../lib/api";
import {
  SANDBOX_URL,
  apiError,
  deferred,
  failedSandboxInfo,
  fakeApi,
  sessionView,
} from "../testing/fake-api";

async function renderConnect(api = fakeApi()) {
  const session = new SessionStore(api);
  await session.load();
  render(Connect, { props: { session, api } });
  return { session, api };
}

const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

describe("Connect", () => {
  it("preselects the sandbox with its credentials filled in", async () => {
    await renderConnect();
    expect(screen.getByRole("heading", { name: "Sign in" })).toBeVisible();
    expect(input("server-sandbox")).toBeChecked();
    expect(input("server-remote")).not.toBeChecked();
    expect(screen.getByTestId("sandbox-address")).toHaveTextContent(SANDBOX_URL);
    expect(screen.getByLabelText("Email")).toHaveValue("admin@sandbox.test");
    expect(screen.getByLabelText("Password")).toHaveValue("sandbox-pass-123");
    expect(screen.getByTestId("sandbox-note")).toHaveTextContent("sandbox's own");
    expect(screen.queryByTestId("base-url")).toBeNull();
  });

  it("shows an empty base URL and empty login when switching to the Peeker API", async () => {
    await renderConnect();
    await fireEvent.click(input("server-remote"));
    expect(input("server-remote")).toBeChecked();
    const baseUrl = screen.getByLabelText("Base URL");
    expect(baseUrl).toHaveValue("");
    expect(baseUrl).toHaveAttribute("placeholder", "https://api.peeker.ai");
    expect(input("email")).toHaveValue("");
    expect(input("password")).toHaveValue("");
    expect(screen.queryByTestId("sandbox-note")).toBeNull();

    await fireEvent.click(input("server-sandbox"));
    expect(input("email")).toHaveValue("admin@sandbox.test");
  });

  it("links to Peeker's API documentation beside the base URL, in the system browser", async () => {
    const { api } = await renderConnect();
    const docs = { name: /Peeker's API documentation/ };
    expect(screen.queryByRole("link", docs)).toBeNull();
    await fireEvent.click(input("server-remote"));
    const link = screen.getByRole("link", docs);
    expect(link).toHaveAttribute("href", "https://docs.peeker.ai");
    expect(await fireEvent.click(link), "the app's window must not navigate").toBe(false);
    expect(api.openExternal).toHaveBeenCalledWith("https://docs.peeker.ai");
  });

  it("signs in with what was typed for the Peeker API", async () => {
    const { api, session } = await renderConnect();
    await fireEvent.click(input("server-remote"));
    await fireEvent.input(input("base-url"), { target: { value: "https://api.peeker.ai" } });
    await fireEvent.input(input("email"), { target: { value: "ada@acme.test" } });
    await fireEvent.input(input("password"), { target: { value: "s3cret" } });
    await fireEvent.submit(input("password").form!);
    expect(api.signIn).toHaveBeenCalledWith({
      server: { kind: "remote", base_url: "https://api.peeker.ai" },
      email: "ada@acme.test",
      password: "s3cret",
    });
    await waitFor(() => expect(session.session).not.toBeNull());
  });

  it("shows an unauthorized error in plain words with its request id", async () => {
    await renderConnect(
      fakeApi({
        signIn: async () => {
          throw apiError({
            code: "unauthorized",
            message: "invalid email or password",
            request_id: "req_01HZX",
          });
        },
      }),
    );
    await fireEvent.click(screen.getByTestId("sign-in"));
    const notice = await screen.findByRole("alert");
    expect(notice).toHaveAttribute("data-testid", "error-notice");
    expect(notice).toHaveTextContent("Email or password is not right");
    expect(notice).toHaveTextContent("Check them and try again.");
    expect(notice).toHaveTextContent("invalid email or password");
    expect(screen.getByTestId("error-request-id")).toHaveTextContent("req_01HZX");
    expect(input("email")).toHaveValue("admin@sandbox.test");
  });

  it("disables the button and shows progress while signing in", async () => {
    const pending = deferred<SessionView>();
    await renderConnect(fakeApi({ signIn: () => pending.promise }));
    const button = screen.getByTestId("sign-in");
    await fireEvent.click(button);
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent("Signing in…");
    pending.resolve(sessionView());
    await waitFor(() => expect(button).toBeEnabled());
    expect(button).toHaveTextContent("Sign in");
  });

  it("marks and focuses the field an error points at", async () => {
    await renderConnect(
      fakeApi({
        signIn: async () => {
          throw apiError({
            code: "not_a_partner_api",
            message: "GET /v1/health returned HTML",
            field: "base_url",
          });
        },
      }),
    );
    await fireEvent.click(input("server-remote"));
    await fireEvent.input(input("base-url"), { target: { value: "https://example.com" } });
    await fireEvent.input(input("email"), { target: { value: "ada@acme.test" } });
    await fireEvent.input(input("password"), { target: { value: "pw" } });
    await fireEvent.click(screen.getByTestId("sign-in"));
    await screen.findByText("That address is not a partner API");
    expect(screen.getByTestId("error-field")).toHaveTextContent("Base URL");
    await waitFor(() => expect(input("base-url")).toHaveFocus());
    expect(input("base-url")).toHaveAttribute("aria-invalid", "true");
    expect(input("email")).not.toHaveAttribute("aria-invalid");
  });

  it("says when the sandbox failed and selects the Peeker API", async () => {
    await renderConnect(fakeApi({ appInfo: async () => failedSandboxInfo() }));
    expect(input("server-remote")).toBeChecked();
    expect(input("server-sandbox")).toBeDisabled();
    expect(screen.getByTestId("sandbox-failure")).toHaveTextContent("address already in use");
    expect(screen.getByLabelText("Base URL")).toBeVisible();
  });
});

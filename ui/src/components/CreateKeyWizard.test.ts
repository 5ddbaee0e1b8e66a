import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import CreateKeyWizard from "./CreateKeyWizard.svelte";
import { FakePortal, fakeApi } from "../testing/fake-api";
import { endOfLocalDay, toTimestamp } from "../lib/format";

function renderWizard(portal = new FakePortal()) {
  const api = fakeApi({}, portal);
  const onclose = vi.fn();
  const view = render(CreateKeyWizard, { props: { api, open: true, onclose } });
  return { portal, api, onclose, view };
}

const byId = (id: string) => screen.getByTestId(id);

async function typeInto(id: string, value: string) {
  await fireEvent.input(byId(id), { target: { value } });
}

async function next() {
  const button = byId("wizard-next");
  expect(button, "Next should be enabled here").toBeEnabled();
  await fireEvent.click(button);
}

/** Label → environment → preset → scope, with the defaults unless given. */
async function fillUpToReview(label = "Deploy bot") {
  await typeInto("key-label", label);
  await next();
  await next();
  await next();
  await next();
}

afterEach(() => {
  vi.useRealTimers();
});

describe("CreateKeyWizard: steps", () => {
  it("shows a stepper with the current step marked", async () => {
    renderWizard();
    const stepper = byId("wizard-stepper");
    const items = within(stepper).getAllByRole("listitem");
    expect(items.map((li) => li.textContent?.trim())).toEqual([
      "1 Label",
      "2 Environment",
      "3 Permissions",
      "4 Scope",
      "5 Review",
    ]);
    expect(items[0]).toHaveAttribute("aria-current", "step");
    await typeInto("key-label", "Deploy bot");
    await next();
    expect(within(byId("wizard-stepper")).getAllByRole("listitem")[1]).toHaveAttribute(
      "aria-current",
      "step",
    );
    expect(byId("env-test")).toHaveFocus();
  });

  it("checks the label as it is typed and says why it cannot go on", async () => {
    renderWizard();
    const label = byId("key-label");
    expect(label).toHaveFocus();
    expect(byId("wizard-next")).toBeDisabled();
    expect(byId("wizard-blocked")).toHaveTextContent("Give the key a label.");
    expect(byId("wizard-next")).toHaveAccessibleDescription("Give the key a label.");
    expect(screen.queryByTestId("wizard-back")).toBeNull();

    await typeInto("key-label", "   ");
    expect(label).toHaveAttribute("aria-invalid", "true");
    expect(byId("label-help")).toHaveTextContent("Give the key a label.");

    await typeInto("key-label", "x".repeat(65));
    expect(byId("label-help")).toHaveTextContent(
      "Labels are at most 64 characters; this one has 65.",
    );
    expect(byId("wizard-next")).toBeDisabled();

    await typeInto("key-label", "Deploy\tbot");
    expect(byId("label-help")).toHaveTextContent("control characters");
    expect(byId("wizard-next")).toBeDisabled();

    await typeInto("key-label", `  ${"x".repeat(64)}  `);
    expect(label).not.toHaveAttribute("aria-invalid");
    expect(byId("wizard-next")).toBeEnabled();
    expect(screen.queryByTestId("wizard-blocked")).toBeNull();
  });

  it("goes on when the label form is submitted (Enter)", async () => {
    renderWizard();
    await typeInto("key-label", "Deploy bot");
    await fireEvent.submit(byId("key-label").closest("form")!);
    expect(byId("env-test")).toBeInTheDocument();
  });

  it("asks for an explicit confirmation before a live key", async () => {
    renderWizard();
    await typeInto("key-label", "Deploy bot");
    await next();
    expect(byId("env-test")).toBeChecked();
    expect(screen.queryByTestId("confirm-live")).toBeNull();

    await fireEvent.click(byId("env-live"));
    const confirm = byId("confirm-live");
    expect(confirm.closest("label")).toHaveTextContent("Live keys act on real customers' domains");
    expect(byId("wizard-next")).toBeDisabled();
    expect(byId("wizard-blocked")).toHaveTextContent("real customers' domains");

    await fireEvent.click(confirm);
    expect(byId("wizard-next")).toBeEnabled();

    // Going back to test and to live again asks again.
    await fireEvent.click(byId("env-test"));
    await fireEvent.click(byId("env-live"));
    expect(byId("confirm-live")).not.toBeChecked();
    expect(byId("wizard-next")).toBeDisabled();
  });

  it("shows what each preset can and cannot do", async () => {
    renderWizard();
    await typeInto("key-label", "Deploy bot");
    await next();
    await next();
    expect(byId("preset-read")).toBeChecked();
    const table = byId("preset-table");
    const rows = within(table)
      .getAllByRole("row")
      .map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent?.trim()));
    expect(rows).toEqual([
      ["The key may…", "Full access", "Limited", "Read only"],
      ["Read domains and customers GET /domains, GET /users", "Can", "Can", "Can"],
      ["Check availability and prices POST /domains/availability", "Can", "Can", "Can't"],
      ["Set forwarding / change domains POST /domains/forwarding", "Can", "Can't", "Can't"],
      ["See its own key info (GET /me)", "Can", "Can", "Can"],
    ]);
    await fireEvent.click(byId("preset-full"));
    expect(byId("preset-full")).toBeChecked();
  });

  it("keeps the answers when going back", async () => {
    renderWizard();
    await typeInto("key-label", "Deploy bot");
    await next();
    await next();
    await fireEvent.click(byId("preset-limited"));
    await fireEvent.click(byId("wizard-back"));
    await fireEvent.click(byId("wizard-back"));
    expect(byId("key-label")).toHaveValue("Deploy bot");
    await next();
    await next();
    expect(byId("preset-limited")).toBeChecked();
  });
});

describe("CreateKeyWizard: creating", () => {
  it("creates the key with every choice, reveals it once, and hands the key back", async () => {
    const { portal, api, onclose } = renderWizard();
    await typeInto("key-label", "  Deploy bot ");
    await next();
    await next();
    await fireEvent.click(byId("preset-full"));
    await next();
    await fireEvent.click(byId("scope-partner"));
    await next();

    const review = byId("create-review");
    expect(review).toHaveTextContent("Deploy bot");
    expect(review).toHaveTextContent("TEST");
    expect(review).toHaveTextContent("Full access");
    expect(review).toHaveTextContent("The whole partner");
    expect(byId("key-expiry")).toHaveValue("never");
    expect(byId("wizard-create")).toHaveTextContent("Create test key");

    await fireEvent.click(byId("wizard-create"));
    await screen.findByTestId("secret-reveal");
    expect(api.createKey).toHaveBeenCalledWith({
      label: "Deploy bot",
      environment: "test",
      preset: "full",
      customer: null,
      expires_at: null,
      save: true,
    });
    const key = portal.keys[0]!;
    expect(key.label).toBe("Deploy bot");
    expect(portal.keyring.get(key.id)).toBe(portal.secrets.get(key.id));
    expect(screen.queryByTestId("wizard-next")).toBeNull();

    await fireEvent.click(byId("stored-confirm"));
    await fireEvent.click(byId("close-reveal"));
    await waitFor(() => expect(onclose).toHaveBeenCalledWith(key));
    expect(portal.reveals.has(key.id)).toBe(false);
  });

  it("shows progress while creating", async () => {
    let finish!: () => void;
    const portal = new FakePortal();
    const api = fakeApi(
      {
        createKey: (request) =>
          new Promise((resolve) => {
            finish = () => resolve(portal.api.createKey(request));
          }),
      },
      portal,
    );
    render(CreateKeyWizard, { props: { api, open: true, onclose: vi.fn() } });
    await fillUpToReview();
    await fireEvent.click(byId("wizard-create"));
    const button = byId("wizard-create");
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("aria-busy", "true");
    expect(button).toHaveTextContent("Creating…");
    expect(byId("wizard-back")).toBeDisabled();
    finish();
    await screen.findByTestId("secret-reveal");
  });

  it("takes a duplicate label back to the label step, marked", async () => {
    const { portal } = renderWizard();
    // "CI smoke tests" is an active test key of the fake portal.
    await fillUpToReview("CI smoke tests");
    await fireEvent.click(byId("wizard-create"));

    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "conflict");
    expect(notice).toHaveTextContent("An active key already has this label");
    expect(notice).toHaveTextContent("Label");
    const label = byId("key-label");
    expect(label).toHaveAttribute("aria-invalid", "true");
    expect(label.getAttribute("aria-describedby")).toContain(notice.id);
    await waitFor(() => expect(label).toHaveFocus());

    await typeInto("key-label", "CI smoke tests 2");
    expect(screen.queryByTestId("error-notice")).toBeNull();
    await next();
    await next();
    await next();
    await next();
    await fireEvent.click(byId("wizard-create"));
    await screen.findByTestId("secret-reveal");
    expect(portal.keys[0]!.label).toBe("CI smoke tests 2");
  });

  it("takes the limit of active keys back to the environment step", async () => {
    const portal = new FakePortal();
    portal.failNext("createKey", {
      code: "conflict",
      message: "This environment already has 10 active keys; revoke one first",
      request_id: "req_01LIMIT",
    });
    renderWizard(portal);
    await fillUpToReview();
    await fireEvent.click(byId("wizard-create"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveTextContent("the most active keys");
    expect(notice).toHaveTextContent("req_01LIMIT");
    expect(byId("env-test")).toBeInTheDocument();
  });

  it("takes a refused field to its step", async () => {
    const portal = new FakePortal();
    portal.failNext("createKey", {
      code: "invalid_request",
      message: "expires_at must be in the future",
      field: "expires_at",
    });
    portal.failNext("createKey", {
      code: "invalid_request",
      message: "No such customer",
      field: "scope.user_id",
    });
    renderWizard(portal);
    await fillUpToReview();
    await fireEvent.click(byId("wizard-create"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveTextContent("Expiry");
    expect(byId("key-expiry")).toHaveAttribute("aria-invalid", "true");

    await fireEvent.click(byId("wizard-create"));
    await waitFor(() => expect(byId("scope-partner")).toBeInTheDocument());
    expect(byId("error-notice")).toHaveTextContent("Customer");
  });

  it("stays on the review for a failure that is not about a step", async () => {
    const portal = new FakePortal();
    portal.failNext("createKey", { code: "network", message: "connection refused" });
    renderWizard(portal);
    await fillUpToReview();
    await fireEvent.click(byId("wizard-create"));
    expect(await screen.findByTestId("error-notice")).toHaveAttribute("data-code", "network");
    expect(byId("wizard-create")).toBeEnabled();
  });

  it("sets an expiry in days or on a chosen day", async () => {
    const { api } = renderWizard();
    await fillUpToReview();
    await fireEvent.change(byId("key-expiry"), { target: { value: "30" } });
    const before = Date.now();
    await fireEvent.click(byId("wizard-create"));
    await screen.findByTestId("secret-reveal");
    const request = api.createKey.mock.calls[0]![0];
    const expires = Date.parse(request.expires_at!);
    expect(expires - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 2000);
    expect(expires - before).toBeLessThanOrEqual(30 * 86_400_000 + 2000);
  });

  it("asks for a day from today on when expiring on a date", async () => {
    const { api } = renderWizard();
    await fillUpToReview();
    await fireEvent.change(byId("key-expiry"), { target: { value: "date" } });
    expect(byId("wizard-create")).toBeDisabled();
    expect(byId("wizard-blocked")).toHaveTextContent("Pick the day the key stops working.");
    await typeInto("key-expiry-date", "2001-01-01");
    expect(byId("wizard-blocked")).toHaveTextContent("Pick a day from today on.");
    await typeInto("key-expiry-date", "2099-03-15");
    expect(byId("wizard-create")).toBeEnabled();
    await fireEvent.click(byId("wizard-create"));
    await screen.findByTestId("secret-reveal");
    expect(api.createKey.mock.calls[0]![0].expires_at).toBe(
      toTimestamp(endOfLocalDay("2099-03-15")!),
    );
  });
});

describe("CreateKeyWizard: scope", () => {
  async function toScope(portal = new FakePortal()) {
    const rendered = renderWizard(portal);
    await typeInto("key-label", "Dana's key");
    await next();
    await next();
    await next();
    return rendered;
  }

  it("searches the environment's customers and limits the key to the one picked", async () => {
    const { api } = await toScope();
    expect(byId("scope-partner")).toBeChecked();
    await fireEvent.click(byId("scope-customer"));
    await waitFor(() => expect(screen.getAllByTestId("customer-option")).toHaveLength(4));
    expect(api.searchCustomers).toHaveBeenCalledWith("test", "");
    expect(byId("wizard-next")).toBeDisabled();
    expect(byId("wizard-blocked")).toHaveTextContent("Pick a customer");

    await typeInto("customer-search", "globex");
    await waitFor(() => expect(screen.getAllByTestId("customer-option")).toHaveLength(1));
    expect(api.searchCustomers).toHaveBeenLastCalledWith("test", "globex");
    await fireEvent.click(byId("customer-option"));
    await next();
    expect(byId("create-review")).toHaveTextContent("One customer: Li Wong (li@globex.example)");
    await fireEvent.click(byId("wizard-create"));
    await screen.findByTestId("secret-reveal");
    expect(api.createKey.mock.calls[0]![0].customer).toBe("usr_01B");
  });

  it("waits for typing to pause before searching", async () => {
    const { api } = await toScope();
    await fireEvent.click(byId("scope-customer"));
    await waitFor(() => expect(api.searchCustomers).toHaveBeenCalledTimes(1));
    vi.useFakeTimers();
    await typeInto("customer-search", "s");
    await typeInto("customer-search", "sa");
    await typeInto("customer-search", "sam");
    await vi.advanceTimersByTimeAsync(200);
    expect(api.searchCustomers).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(api.searchCustomers).toHaveBeenCalledTimes(2);
    expect(api.searchCustomers).toHaveBeenLastCalledWith("test", "sam");
  });

  it("offers to type a customer id when no key of the environment is stored", async () => {
    const portal = new FakePortal();
    portal.failNext("searchCustomers", {
      code: "secret_not_stored",
      message: "No stored key for any partner-wide test key",
    });
    const { api } = await toScope(portal);
    await fireEvent.click(byId("scope-customer"));
    const notice = await screen.findByTestId("error-notice");
    expect(notice).toHaveAttribute("data-code", "secret_not_stored");
    expect(notice).toHaveTextContent("Searching customers needs a stored key");
    expect(notice).toHaveTextContent("type the customer's id instead");

    await fireEvent.click(byId("type-customer-id"));
    await typeInto("customer-id", "dana");
    expect(byId("wizard-blocked")).toHaveTextContent("Customer ids start with usr_.");
    await typeInto("customer-id", "usr_01C");
    await next();
    expect(byId("create-review")).toHaveTextContent("One customer: usr_01C");
    await fireEvent.click(byId("wizard-create"));
    await screen.findByTestId("secret-reveal");
    expect(api.createKey.mock.calls[0]![0].customer).toBe("usr_01C");
  });

  it("forgets a picked customer when the environment changes", async () => {
    await toScope();
    await fireEvent.click(byId("scope-customer"));
    await waitFor(() => expect(screen.getAllByTestId("customer-option")).toHaveLength(4));
    await fireEvent.click(screen.getAllByTestId("customer-option")[0]!);
    expect(byId("wizard-next")).toBeEnabled();
    await fireEvent.click(byId("wizard-back"));
    await fireEvent.click(byId("wizard-back"));
    await fireEvent.click(byId("env-live"));
    await fireEvent.click(byId("confirm-live"));
    await next();
    await next();
    await waitFor(() => expect(screen.getAllByTestId("customer-option")).toHaveLength(4));
    expect(
      screen.getAllByTestId("customer-option").some((o) => (o as HTMLInputElement).checked),
    ).toBe(false);
    expect(byId("wizard-next")).toBeDisabled();
  });
});

describe("CreateKeyWizard: closing", () => {
  it("cancels before anything is created", async () => {
    const { onclose, api } = renderWizard();
    await typeInto("key-label", "Deploy bot");
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onclose).toHaveBeenCalledWith(null);
    expect(api.createKey).not.toHaveBeenCalled();
  });

  it("closes with Esc before creating", async () => {
    const { onclose } = renderWizard();
    await fireEvent.keyDown(byId("key-label"), { key: "Escape" });
    expect(onclose).toHaveBeenCalledWith(null);
  });

  it("does not let Esc or × close the reveal until the secret is confirmed stored", async () => {
    const { onclose, api, portal } = renderWizard();
    await fillUpToReview();
    await fireEvent.click(byId("wizard-create"));
    await screen.findByTestId("secret-reveal");

    await fireEvent.keyDown(byId("copy-secret"), { key: "Escape" });
    await fireEvent.click(screen.getByRole("button", { name: "Close" }));
    await waitFor(() => expect(byId("stored-confirm")).toHaveFocus());
    expect(onclose).not.toHaveBeenCalled();
    expect(api.closeReveal).not.toHaveBeenCalled();
    expect(byId("secret-reveal")).toBeInTheDocument();
    expect(screen.getByText(/Tick the box first/)).toHaveClass("nudge");

    await fireEvent.click(byId("stored-confirm"));
    await fireEvent.keyDown(byId("stored-confirm"), { key: "Escape" });
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    expect(onclose.mock.calls[0]![0]).toMatchObject({ label: "Deploy bot" });
    expect(portal.reveals.size).toBe(0);
  });

  it("starts afresh when opened again", async () => {
    const { view } = renderWizard();
    await typeInto("key-label", "Deploy bot");
    await next();
    await view.rerender({ open: false });
    await view.rerender({ open: true });
    expect(byId("key-label")).toHaveValue("");
    expect(within(byId("wizard-stepper")).getAllByRole("listitem")[0]).toHaveAttribute(
      "aria-current",
      "step",
    );
  });
});

/**
 * The Rust side, faked in the browser: defines `window.__TAURI_INTERNALS__` (what
 * `@tauri-apps/api/core` calls) and answers every command of `bindings.ts` from a
 * {@link FakePortal}. Built to an IIFE and installed by the browser tests as an init script, so
 * it runs before the app's own code.
 *
 * Like real IPC, arguments and answers are copied through JSON, and a failure rejects with the
 * plain `IpcError` object (which tauri-specta's `typedError` turns into `{status: "error"}`).
 *
 * Channels work as in Tauri 2: a `Channel` registers its handler with `transformCallback` and
 * crosses IPC as `"__CHANNEL__:<id>"`; the fake method gets a callback that posts each message
 * to that handler as `{index, message}` (indexes from 0), then `{index, end: true}` when Rust
 * would drop the channel (when the call ends; for a scan, after `finished` or `cancelled`).
 */
import { FakePortal } from "../../src/testing/fake-portal";
import type { Api, IpcError, ScanEvent } from "../../src/lib/api";
import { COMMANDS } from "./commands";
import type { PortalWindow, Scenario } from "./scenario";

const page = window as unknown as PortalWindow;
const scenario: Scenario = page.__PORTAL_SCENARIO__ ?? {};

const portal = new FakePortal({
  ...(scenario.keys ? { keys: scenario.keys } : {}),
  ...(scenario.stored ? { stored: scenario.stored } : {}),
  ...(scenario.domains ? { domains: scenario.domains } : {}),
});
portal.settings = { ...portal.settings, ...scenario.settings };
for (const failure of scenario.failures ?? []) portal.failNext(failure.command, failure.error);
if (scenario.scanPageDelayMs !== undefined) portal.scanPageDelayMs = scenario.scanPageDelayMs;
if (scenario.scanFailure) {
  portal.failScanAfter(scenario.scanFailure.afterPages, scenario.scanFailure.error);
}
if (scenario.rateLimitAt) {
  portal.rateLimitScanAt(scenario.rateLimitAt.page, scenario.rateLimitAt.seconds);
}
portal.exportCancels = scenario.exportCancels ?? false;
portal.domains.statsUnsupported = scenario.statsUnsupported ?? false;

page.__portal = portal;
page.__ipcCalls = [];
page.__signedIn = scenario.signedIn ?? true;

/** Session commands follow the mock's sign-in state; everything else goes to the portal. */
const api = portal.api;
const answer: Partial<Record<keyof Api, (...args: unknown[]) => Promise<unknown>>> = {
  currentSession: async () => (page.__signedIn ? api.currentSession() : null),
  signIn: async (...args) => {
    const session = await api.signIn(...(args as Parameters<Api["signIn"]>));
    page.__signedIn = true;
    return session;
  },
  signOut: async () => {
    await api.signOut();
    page.__signedIn = false;
  },
};

function ipcError(thrown: unknown): IpcError {
  const error = (thrown as { error?: unknown } | null)?.error;
  if (error && typeof error === "object" && "code" in error) return error as IpcError;
  return { code: "internal", message: String(thrown) };
}

const copy = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);

/** How a `Channel` argument crosses IPC (its `toJSON`). */
const CHANNEL = /^__CHANNEL__:(\d+)$/;

/** Commands whose channel outlives the call (Rust moves it into a task): its last message. */
const LAST_MESSAGE: Record<string, (message: unknown) => boolean> = {
  scan_domains: (message) => ["finished", "cancelled"].includes((message as ScanEvent).kind),
};

/** The Rust end of channel `id`: posts to the handler `transformCallback` registered for it. */
function channelSender(id: number) {
  let index = 0;
  let ended = false;
  const post = (raw: unknown) => {
    const handler: unknown = Reflect.get(window, `_${id}`);
    if (typeof handler === "function") handler(raw);
  };
  return {
    send(message: unknown) {
      if (ended) return;
      post({ index, message: copy(message) });
      index += 1;
    },
    end() {
      if (ended) return;
      ended = true;
      post({ index, end: true });
    },
  };
}

async function invoke(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
  page.__ipcCalls.push({ cmd, args: copy(args) });
  const route = COMMANDS[cmd];
  if (!route) throw { code: "internal", message: `The mock has no command ${cmd}` };
  const [method, names] = route;
  const channels: ReturnType<typeof channelSender>[] = [];
  const last = LAST_MESSAGE[cmd];
  const values = names.map((name) => {
    const value = copy(args[name]);
    const id = typeof value === "string" ? CHANNEL.exec(value)?.[1] : undefined;
    if (id === undefined) return value;
    const channel = channelSender(Number(id));
    channels.push(channel);
    return (message: unknown) => {
      channel.send(message);
      if (last?.(message)) channel.end();
    };
  });
  if (scenario.latencyMs) await new Promise((done) => setTimeout(done, scenario.latencyMs));
  try {
    const run = answer[method] ?? (api[method] as unknown as (...a: unknown[]) => Promise<unknown>);
    const result = await run(...values);
    if (!last) for (const channel of channels) channel.end();
    // Unit-returning commands answer `null` over IPC.
    return result === undefined ? null : copy(result);
  } catch (thrown) {
    for (const channel of channels) channel.end();
    throw ipcError(thrown);
  }
}

let callbacks = 0;
Object.defineProperty(window, "__TAURI_INTERNALS__", {
  value: {
    invoke,
    transformCallback: (callback?: (response: unknown) => void, once = false) => {
      callbacks += 1;
      const id = callbacks;
      const name = `_${id}`;
      Object.defineProperty(window, name, {
        value: (response: unknown) => {
          if (once) Reflect.deleteProperty(window, name);
          callback?.(response);
        },
        configurable: true,
      });
      return id;
    },
    unregisterCallback: (id: number) => Reflect.deleteProperty(window, `_${id}`),
    convertFileSrc: (path: string, protocol = "asset") =>
      `${protocol}://localhost/${encodeURIComponent(path)}`,
    metadata: {
      currentWindow: { label: "main" },
      currentWebview: { windowLabel: "main", label: "main" },
    },
  },
  configurable: true,
});

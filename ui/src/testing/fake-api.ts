/**
 * A fake {@link Api} for unit tests: no Tauri, every call recorded, answers chosen per test.
 */
import { vi } from "vitest";
import { ApiError } from "../lib/api";
import type { Api, AppInfo, IpcError } from "../lib/api";
import { FakePortal, appInfo } from "./fake-portal";

export { FakePortal, SANDBOX_URL, appInfo, apiKey, sessionView } from "./fake-portal";

export const failedSandboxInfo = (): AppInfo =>
  appInfo({ sandbox: { state: "failed", message: "address already in use" } });

export const apiError = (error: IpcError) => new ApiError(error);

/** Every method of the {@link Api}: the type makes sure none is missing. */
const API_METHODS: Record<keyof Api, true> = {
  appInfo: true,
  signIn: true,
  signOut: true,
  currentSession: true,
  reportPainted: true,
  lockApp: true,
  unlockApp: true,
  listKeys: true,
  getKey: true,
  createKey: true,
  addExistingKey: true,
  verifyKey: true,
  rotateKey: true,
  revokeKey: true,
  keyLeaked: true,
  reconcileKeys: true,
  purgeSecrets: true,
  keyUsage: true,
  searchCustomers: true,
  copyRevealed: true,
  copyStoredSecret: true,
  saveRevealed: true,
  unsaveRevealed: true,
  closeReveal: true,
  clearClipboard: true,
  copyText: true,
  openExternal: true,
  openBrowser: true,
  createBrowsingKey: true,
  scanDomains: true,
  controlScan: true,
  domainStats: true,
  domainDetail: true,
  listCustomers: true,
  checkAvailability: true,
  setForwarding: true,
  exportDomainsCsv: true,
  getSettings: true,
  saveSettings: true,
  activity: true,
  requestLog: true,
};

type Spies = { [K in keyof Api]: ReturnType<typeof vi.fn<Api[K]>> };

/**
 * A fake whose every method is a `vi.fn` spy over a fresh {@link FakePortal} (or the one given),
 * signed out by default; tests override single methods.
 */
export function fakeApi(overrides: Partial<Api> = {}, portal = new FakePortal()): Spies {
  const defaults: Partial<Api> = { currentSession: async () => null };
  const spies: Record<string, unknown> = {};
  for (const name of Object.keys(API_METHODS) as (keyof Api)[]) {
    spies[name] = vi.fn(overrides[name] ?? defaults[name] ?? portal.api[name]);
  }
  return spies as Spies;
}

/** A promise the test resolves or rejects when it wants, to look at in-between states. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

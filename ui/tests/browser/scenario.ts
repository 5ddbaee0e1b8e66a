/**
 * What a browser test asks of the mocked Rust side before the page loads. The test serializes
 * it into `window.__PORTAL_SCENARIO__`; `mock-ipc.ts` builds the fake portal from it.
 */
import type { ApiKey, IpcError, Settings } from "../../src/lib/api";
import type { Api } from "../../src/lib/api";
import type { FakePortal } from "../../src/testing/fake-portal";

export type Scenario = {
  /** Whether a session exists at start (the Connect screen shows when not). Default: true. */
  signedIn?: boolean;
  /** The keys at start; default: the fake's three keys. */
  keys?: ApiKey[];
  /** Key ids whose secret the keyring holds at start. */
  stored?: string[];
  /** Settings at start (merged over the fake's defaults). */
  settings?: Partial<Settings>;
  /** Calls that fail, in order, before the app runs. */
  failures?: { command: keyof Api; error: IpcError }[];
  /** Milliseconds each answer takes (default 0). */
  latencyMs?: number;
  /** Domains per environment (default 1,250 live and 640 test). */
  domains?: { live?: number; test?: number };
  /** Milliseconds between two pages of a scan (default 0), to see a scan half-way. */
  scanPageDelayMs?: number;
  /** The first scan to have delivered `afterPages` pages fails with `error` (once). */
  scanFailure?: { afterPages: number; error: IpcError };
  /** The first scan asking for page `page` (1-based) is told to wait `seconds` (a 429, once). */
  rateLimitAt?: { page: number; seconds: number };
  /** The server lacks `GET /domains/stats` (`domain_stats` answers `null`). */
  statsUnsupported?: boolean;
  /** The export's save dialog is cancelled (`export_domains_csv` answers `null`). */
  exportCancels?: boolean;
};

/** What the page exposes to tests (`page.evaluate(() => window.__portal…)`). */
export type PortalWindow = Window & {
  __PORTAL_SCENARIO__?: Scenario;
  __portal: FakePortal;
  /** Commands the app called, in order: snake_case names and their arguments (as sent). */
  __ipcCalls: { cmd: string; args: Record<string, unknown> }[];
  /** Whether the mock thinks someone is signed in. */
  __signedIn: boolean;
};

/**
 * The one door from the UI to Rust.
 *
 * Only this module imports the generated bindings or `@tauri-apps/*` (eslint enforces it).
 * Everything else receives an {@link Api} by injection, so tests pass a fake and never need Tauri.
 * Every failure leaves here as an {@link ApiError} carrying a normalised {@link IpcError}.
 */
import { Channel } from "@tauri-apps/api/core";
import { commands } from "./bindings";
import type { ErrorCode, IpcError } from "./bindings";

/** The shape tauri-specta gives a fallible command's answer. */
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export type {
  Action,
  ActionEntry,
  ActivityItem,
  Admin,
  ApiKey,
  AppInfo,
  AuditEvent,
  Availability,
  BrowseInfo,
  CopyReceipt,
  CreateKeyRequest,
  Created,
  Domain,
  DomainCategory,
  DomainFilter,
  DomainId,
  DomainStats,
  DomainStatus,
  Environment,
  ErrorCode,
  Exported,
  ForwardingFailure,
  ForwardingFailureReason,
  ForwardingJob,
  ForwardingProgress,
  IpcError,
  JobStatus,
  KeyFilter,
  KeyId,
  KeyStatus,
  KeyView,
  Milestone,
  OldKey,
  Me,
  MeKey,
  Partner,
  Preset,
  Progress,
  Provider,
  Reconciliation,
  RequestLogEntry,
  RevealedSecret,
  Rotated,
  SandboxStatus,
  ScanControl,
  ScanEvent,
  Scope,
  ServerChoice,
  ServerKind,
  ServerSetting,
  ServerView,
  SessionView,
  Settings,
  SignInRequest,
  Stored,
  StatsAnswer,
  Theme,
  UnavailableReason,
  Usage,
  UsageBucket,
  UsageWindow,
  User,
  UserId,
  UserStatus,
  Verification,
} from "./bindings";
import type {
  ActivityItem,
  ApiKey,
  AppInfo,
  Availability,
  BrowseInfo,
  CopyReceipt,
  CreateKeyRequest,
  Created,
  Domain,
  DomainFilter,
  DomainId,
  Environment,
  Exported,
  ForwardingJob,
  ForwardingProgress,
  KeyFilter,
  KeyId,
  KeyView,
  Milestone,
  OldKey,
  Reconciliation,
  RequestLogEntry,
  Rotated,
  ScanControl,
  ScanEvent,
  SessionView,
  Settings,
  SignInRequest,
  StatsAnswer,
  Usage,
  UsageWindow,
  User,
  Verification,
} from "./bindings";

/** What the UI can ask of the Rust side. Plain async functions; failures throw {@link ApiError}. */
export interface Api {
  appInfo(): Promise<AppInfo>;
  signIn(request: SignInRequest): Promise<SessionView>;
  signOut(): Promise<void>;
  /** The session restored by Rust, or `null` when nobody is signed in. */
  currentSession(): Promise<SessionView | null>;
  /** Tells Rust a start-up milestone is on screen (logged, and read by the benchmark). */
  reportPainted(milestone: Milestone): Promise<void>;
  /** Locks the app after the idle time (clears the clipboard, forgets open reveals). */
  lockApp(): Promise<void>;
  /** Unlocks with the admin's password (a fresh session). */
  unlockApp(password: string): Promise<SessionView>;

  listKeys(filter: KeyFilter): Promise<KeyView[]>;
  getKey(keyId: KeyId): Promise<KeyView>;
  /** Creates a key; the answer carries the secret for the reveal step, once. */
  createKey(request: CreateKeyRequest): Promise<Created>;
  addExistingKey(secret: string): Promise<KeyView>;
  verifyKey(keyId: KeyId): Promise<Verification>;
  rotateKey(keyId: KeyId, oldKey: OldKey, save: boolean): Promise<Rotated>;
  revokeKey(keyId: KeyId): Promise<ApiKey>;
  keyLeaked(keyId: KeyId): Promise<Rotated>;
  reconcileKeys(): Promise<Reconciliation>;
  purgeSecrets(keyIds: KeyId[]): Promise<number>;
  keyUsage(keyId: KeyId, window: UsageWindow): Promise<Usage>;
  searchCustomers(environment: Environment, query: string): Promise<User[]>;

  /** Copies the secret of an open reveal step (Rust writes the clipboard). */
  copyRevealed(keyId: KeyId): Promise<CopyReceipt>;
  /** Copies a key's secret from the keyring (refused while locked). */
  copyStoredSecret(keyId: KeyId): Promise<CopyReceipt>;
  saveRevealed(keyId: KeyId): Promise<void>;
  unsaveRevealed(keyId: KeyId): Promise<void>;
  /** Closes a reveal step: Rust drops the secret for good. */
  closeReveal(keyId: KeyId): Promise<void>;
  clearClipboard(): Promise<boolean>;
  /** Copies text that is not a secret (a request id). */
  copyText(text: string): Promise<void>;
  /** Opens an `https://` page in the system browser; the app's window never leaves the app. */
  openExternal(url: string): Promise<void>;

  /** Opens domain browsing with a stored key (its secret stays in Rust): `GET /me`. */
  openBrowser(keyId: KeyId): Promise<BrowseInfo>;
  /** Creates a `read` key for browsing, stored straight in the keyring (never revealed). */
  createBrowsingKey(environment: Environment): Promise<KeyView>;
  /**
   * Starts reading every page of `GET /domains` with `filter`; `onEvent` hears each page, wait,
   * pause and the end (`finished`, `failed` or `cancelled`). Resolves to the scan's id.
   * Starting a scan cancels the one before.
   */
  scanDomains(
    keyId: KeyId,
    filter: DomainFilter,
    onEvent: (event: ScanEvent) => void,
  ): Promise<number>;
  /** Pauses, resumes (also after `failed`) or cancels a scan. */
  controlScan(scanId: number, control: ScanControl): Promise<void>;
  /** Counts for `filter`; `null` when the server lacks `GET /domains/stats` (count loaded rows). */
  domainStats(keyId: KeyId, filter: DomainFilter): Promise<StatsAnswer | null>;
  domainDetail(keyId: KeyId, domainId: DomainId): Promise<Domain>;
  /** Every customer the key can see. */
  listCustomers(keyId: KeyId): Promise<User[]>;
  /** Availability of `names`, asked 50 at a time; `onBatch` hears each batch as it comes. */
  checkAvailability(
    keyId: KeyId,
    names: string[],
    onBatch: (batch: Availability[]) => void,
  ): Promise<Availability[]>;
  /** Sets forwarding on `domains` (names), 25 per job, polled to the end; `onProgress` hears each change. */
  setForwarding(
    keyId: KeyId,
    domains: string[],
    forwardingUrl: string,
    onProgress: (progress: ForwardingProgress) => void,
  ): Promise<ForwardingJob[]>;
  /** Asks where to save (a native dialog) and writes `rows` as CSV; `null` when cancelled. */
  exportDomainsCsv(
    rows: Domain[],
    customers: User[],
    suggestedName: string,
  ): Promise<Exported | null>;

  getSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<Settings>;
  activity(keyId: KeyId | null, limit: number): Promise<ActivityItem[]>;
  requestLog(): Promise<RequestLogEntry[]>;
}

/** A failed call. `error` always has every optional field present (absent on the wire → `null`). */
export class ApiError extends Error {
  readonly error: Required<IpcError>;

  constructor(error: IpcError) {
    super(error.message);
    this.name = "ApiError";
    this.error = {
      code: error.code,
      message: error.message,
      request_id: error.request_id ?? null,
      retry_after_seconds: error.retry_after_seconds ?? null,
      field: error.field ?? null,
    };
  }

  get code(): ErrorCode {
    return this.error.code;
  }

  /** Wraps anything a call may throw: an `IpcError` object, a framework rejection string, an Error. */
  static from(thrown: unknown): ApiError {
    if (thrown instanceof ApiError) return thrown;
    if (isIpcError(thrown)) return new ApiError(thrown);
    return new ApiError({ code: "internal", message: messageOf(thrown) });
  }
}

const ERROR_CODES: Record<ErrorCode, true> = {
  unauthorized: true,
  session_expired: true,
  forbidden: true,
  not_found: true,
  invalid_request: true,
  conflict: true,
  rate_limited: true,
  network: true,
  timeout: true,
  server: true,
  not_a_partner_api: true,
  keyring_locked: true,
  secret_not_stored: true,
  locked: true,
  keyring_unavailable: true,
  internal: true,
};

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { code?: unknown; message?: unknown };
  return isErrorCode(candidate.code) && typeof candidate.message === "string";
}

function messageOf(thrown: unknown): string {
  if (typeof thrown === "string") return thrown;
  if (thrown instanceof Error) return thrown.message;
  const message = (thrown as { message?: unknown } | null)?.message;
  return typeof message === "string" ? message : "Unexpected failure";
}

/** Unwraps a tauri-specta `Result`, throwing the error side as an {@link ApiError}. */
function unwrap<T>(result: Result<T, IpcError>): T {
  if (result.status === "ok") return result.data;
  throw ApiError.from(result.error);
}

/** Runs one binding call so that whatever it throws comes out as an {@link ApiError}. */
async function call<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (thrown) {
    throw ApiError.from(thrown);
  }
}

/** A fallible command's value. */
function value<T>(run: () => Promise<Result<T, IpcError>>): Promise<T> {
  return call(async () => unwrap(await run()));
}

/** A fallible command that answers nothing. */
function done(run: () => Promise<Result<null, IpcError>>): Promise<void> {
  return call(async () => {
    unwrap(await run());
  });
}

/** A channel whose messages go to `listener`. */
function channel<T>(listener: (message: T) => void): Channel<T> {
  const created = new Channel<T>();
  created.onmessage = listener;
  return created;
}

/** The real implementation over the generated tauri-specta bindings. */
export const tauriApi: Api = {
  appInfo: () => call(() => commands.appInfo()),
  signIn: (request) => call(async () => unwrap(await commands.signIn(request))),
  signOut: () =>
    call(async () => {
      unwrap(await commands.signOut());
    }),
  currentSession: () => call(() => commands.currentSession()),
  reportPainted: (milestone) =>
    call(async () => {
      await commands.reportPainted(milestone);
    }),
  lockApp: () => done(() => commands.lockApp()),
  unlockApp: (password) => value(() => commands.unlockApp(password)),

  listKeys: (filter) => value(() => commands.listKeys(filter)),
  getKey: (keyId) => value(() => commands.getKey(keyId)),
  createKey: (request) => value(() => commands.createKey(request)),
  addExistingKey: (secret) => value(() => commands.addExistingKey(secret)),
  verifyKey: (keyId) => value(() => commands.verifyKey(keyId)),
  rotateKey: (keyId, oldKey, save) => value(() => commands.rotateKey(keyId, oldKey, save)),
  revokeKey: (keyId) => value(() => commands.revokeKey(keyId)),
  keyLeaked: (keyId) => value(() => commands.keyLeaked(keyId)),
  reconcileKeys: () => value(() => commands.reconcileKeys()),
  purgeSecrets: (keyIds) => value(() => commands.purgeSecrets(keyIds)),
  keyUsage: (keyId, window) => value(() => commands.keyUsage(keyId, window)),
  searchCustomers: (environment, query) =>
    value(() => commands.searchCustomers(environment, query)),

  copyRevealed: (keyId) => value(() => commands.copyRevealed(keyId)),
  copyStoredSecret: (keyId) => value(() => commands.copyStoredSecret(keyId)),
  saveRevealed: (keyId) => done(() => commands.saveRevealed(keyId)),
  unsaveRevealed: (keyId) => done(() => commands.unsaveRevealed(keyId)),
  closeReveal: (keyId) => done(() => commands.closeReveal(keyId)),
  clearClipboard: () => value(() => commands.clearClipboard()),
  copyText: (text) => done(() => commands.copyText(text)),
  openExternal: (url) => done(() => commands.openExternal(url)),

  openBrowser: (keyId) => value(() => commands.openBrowser(keyId)),
  createBrowsingKey: (environment) => value(() => commands.createBrowsingKey(environment)),
  scanDomains: (keyId, filter, onEvent) =>
    value(() => commands.scanDomains(keyId, filter, channel(onEvent))),
  controlScan: (scanId, control) => done(() => commands.controlScan(scanId, control)),
  domainStats: (keyId, filter) => value(() => commands.domainStats(keyId, filter)),
  domainDetail: (keyId, domainId) => value(() => commands.domainDetail(keyId, domainId)),
  listCustomers: (keyId) => value(() => commands.listCustomers(keyId)),
  checkAvailability: (keyId, names, onBatch) =>
    value(() => commands.checkAvailability(keyId, names, channel(onBatch))),
  setForwarding: (keyId, domains, forwardingUrl, onProgress) =>
    value(() => commands.setForwarding(keyId, domains, forwardingUrl, channel(onProgress))),
  exportDomainsCsv: (rows, customers, suggestedName) =>
    value(() => commands.exportDomainsCsv(rows, customers, suggestedName)),

  getSettings: () => value(() => commands.getSettings()),
  saveSettings: (settings) => value(() => commands.saveSettings(settings)),
  activity: (keyId, limit) => value(() => commands.activity(keyId, limit)),
  requestLog: () => value(() => commands.requestLog()),
};

export default tauriApi;

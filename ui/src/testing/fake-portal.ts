/**
 * An in-memory partner portal behind the {@link Api} interface: keys that can be created,
 * rotated, revoked and verified, a keyring, usage, activity, settings, a request log and the
 * domains of each environment ({@link FakeDomains}: scans, stats, availability, forwarding). It
 * follows the rules of the real services closely enough for screens to be driven through every
 * flow without Tauri: unit tests use it through {@link fakeApi}, and the browser tests install
 * it as the mocked IPC (see `tests/browser/`). No vitest import here, so both can load it.
 */
import { ApiError } from "../lib/api";
import type {
  ActivityItem,
  Api,
  ApiKey,
  AppInfo,
  BrowseInfo,
  CreateKeyRequest,
  Created,
  Environment,
  ErrorCode,
  IpcError,
  KeyFilter,
  KeyView,
  OldKey,
  RequestLogEntry,
  Rotated,
  SessionView,
  Settings,
  Usage,
  UsageWindow,
} from "../lib/api";
import { BASE_CUSTOMERS, FakeDomains, NOW } from "./fake-domains";
import type { DomainCounts } from "./fake-domains";

export { NOW } from "./fake-domains";
export const SANDBOX_URL = "http://127.0.0.1:43117";

export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    version: "0.1.0",
    profile: null,
    sandbox: {
      state: "running",
      base_url: SANDBOX_URL,
      admin_email: "admin@sandbox.test",
      admin_password: "sandbox-pass-123",
    },
    auto_sign_in: false,
    ...overrides,
  };
}

export function sessionView(overrides: Partial<SessionView> = {}): SessionView {
  return {
    server: { kind: "sandbox", base_url: SANDBOX_URL },
    partner: { id: "org_01", name: "Acme Analytics" },
    admin: { id: "adm_01", email: "ada@acme.test", name: "Ada Lovelace" },
    expires_at: "2031-05-04T13:30:00Z",
    ...overrides,
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const hex = (n: number, seed: number) => {
  let out = "";
  let x = seed;
  while (out.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    // The high bits: the low bits of this generator repeat with a short period.
    out += ((x >>> 16) % 16).toString(16);
  }
  return out;
};

/** A request that failed like the server would answer. */
function fail(error: IpcError): never {
  throw new ApiError(error);
}

export type FakePortalOptions = {
  /** Keys present at start (by default three: live full, test read, a revoked one). */
  keys?: ApiKey[];
  /** Key ids whose secret the keyring holds at start. */
  stored?: string[];
  /** Domains per environment (default 1,250 live and 640 test), generated on first use. */
  domains?: DomainCounts;
};

export function apiKey(overrides: Partial<ApiKey> = {}): ApiKey {
  return {
    id: "key_01LIVE",
    label: "Production backend",
    prefix: "pk_live_3f9c2a7d1b8e4c60",
    last_four: "9a1f",
    environment: "live",
    permission_preset: "full",
    scope: { type: "partner" },
    status: "active",
    created_at: "2026-09-01T08:00:00Z",
    created_by: "adm_01",
    last_used_at: "2026-11-20T09:58:00Z",
    ...overrides,
  };
}

export function defaultKeys(): ApiKey[] {
  return [
    apiKey(),
    apiKey({
      id: "key_01TEST",
      label: "CI smoke tests",
      prefix: "pk_test_8b1d0e5f2a3c4b69",
      last_four: "41c2",
      environment: "test",
      permission_preset: "read",
      created_at: "2026-10-12T14:30:00Z",
      last_used_at: "2026-11-19T22:10:00Z",
    }),
    apiKey({
      id: "key_01OLD",
      label: "Old importer",
      prefix: "pk_live_0a1b2c3d4e5f6a7b",
      last_four: "77e0",
      permission_preset: "limited",
      status: "revoked",
      created_at: "2026-03-02T10:00:00Z",
      revoked_at: "2026-08-15T16:20:00Z",
      last_used_at: "2026-08-15T16:19:00Z",
    }),
  ];
}

/**
 * The fake portal. `api` is the {@link Api}; the public fields let tests look inside
 * (the keyring, the clipboard) and change the world (lock the keyring, fail the next call).
 */
export class FakePortal {
  keys: ApiKey[];
  /** key id → secret: the fake OS keyring. */
  keyring = new Map<string, string>();
  /** Secrets of keys made in this run (the "server" knows them). */
  secrets = new Map<string, string>();
  /** Open reveal steps: key id → secret. */
  reveals = new Map<string, string>();
  clipboard: string | null = null;
  /** Pages opened in the system browser, in order. */
  opened: string[] = [];
  locked = false;
  keyringLocked = false;
  settings: Settings = {
    server: { kind: "sandbox" },
    clipboard_clear_seconds: 30,
    idle_lock_minutes: 5,
    theme: "system",
  };
  events: ActivityItem[] = [];
  log: RequestLogEntry[] = [];
  /** The domain data sets, scans, availability and forwarding rules. */
  readonly domains: FakeDomains;
  /** CSV exports asked for (and not cancelled). */
  exports: { rows: number; suggestedName: string }[] = [];
  /** When true, the save dialog of the export is cancelled (the call answers `null`). */
  exportCancels = false;
  /** Errors the next calls of a command fail with (one per call), e.g. `failNext("verifyKey", …)`. */
  #failures = new Map<string, IpcError[]>();
  #counter = 0;
  #requests = 0;

  constructor(options: FakePortalOptions = {}) {
    this.domains = new FakeDomains(options.domains, {
      requestId: () => this.#requestId(),
      record: (...args) => this.#record(...args),
      local: (action, keyId, note) => this.#local(action, keyId, note),
    });
    this.keys = options.keys ?? defaultKeys();
    for (const id of options.stored ?? ["key_01LIVE", "key_01OLD"]) {
      this.keyring.set(id, `pk_${id.includes("TEST") ? "test" : "live"}_${hex(64, id.length)}`);
    }
  }

  /** Milliseconds between two pages of a scan (0: the next timer tick). */
  get scanPageDelayMs(): number {
    return this.domains.scanPageDelayMs;
  }
  set scanPageDelayMs(ms: number) {
    this.domains.scanPageDelayMs = ms;
  }

  /** The next scan fails with `error` once it has delivered `pages` pages (then waits for resume). */
  failScanAfter(pages: number, error: IpcError) {
    this.domains.failScanAfter(pages, error);
  }

  /** The next scan gets a 429 asking for page `page` (1-based) and waits `seconds` first. */
  rateLimitScanAt(page: number, seconds: number) {
    this.domains.rateLimitScanAt(page, seconds);
  }

  /** The next call of `command` fails with `error`. */
  failNext(command: keyof Api, error: IpcError) {
    const queue = this.#failures.get(command) ?? [];
    queue.push(error);
    this.#failures.set(command, queue);
  }

  #requestId(): string {
    this.#requests += 1;
    return `req_01JD${String(this.#requests).padStart(22, "0")}`;
  }

  #record(
    method: string,
    path: string,
    status: number | null,
    requestId: string | null,
    error: ErrorCode | null = null,
    attempt = 1,
  ) {
    this.log.unshift({
      seq: this.log.length + 1,
      started_at: iso(NOW + this.log.length * 1000),
      method,
      path,
      status,
      latency_ms: 12 + (this.log.length % 7) * 3,
      waited_ms: 0,
      request_id: requestId,
      error,
      attempt,
    });
  }

  #event(type: string, keyId: string, requestId: string | null) {
    this.events.unshift({
      source: "server",
      event: {
        id: `evt_${this.events.length + 1}`,
        type,
        actor: "adm_01",
        api_key_id: keyId,
        at: iso(NOW + this.events.length * 1000),
        request_id: requestId,
      },
    });
  }

  #local(action: string, keyId: string | null, note: string | null = null) {
    this.events.unshift({
      source: "local",
      entry: {
        at: iso(NOW + this.events.length * 1000),
        action: action as never,
        key_id: keyId,
        request_id: null,
        environment: null,
        note,
      },
    });
  }

  #key(id: string): ApiKey {
    return (
      this.keys.find((k) => k.id === id) ??
      fail({ code: "not_found", message: "No such API key", request_id: this.#requestId() })
    );
  }

  /** A key to browse with, as Rust opens it: its secret from the keyring, then `GET /me`. */
  #browse(keyId: string, me = false): ApiKey {
    if (!this.keyring.has(keyId)) {
      fail({
        code: "secret_not_stored",
        message: "This computer's keyring does not hold the secret of this key",
      });
    }
    const key = this.keys.find((k) => k.id === keyId);
    const expired = key?.expires_at && Date.parse(key.expires_at) <= NOW;
    const works = key?.status === "active" && !expired;
    const requestId = me ? this.#requestId() : null;
    if (me) this.#record("GET", "/api/partner/v1/me", works ? 200 : 401, requestId);
    if (!key || !works) {
      fail({
        code: "unauthorized",
        message: "The API key is missing, malformed, unknown, revoked or expired.",
        request_id: requestId ?? this.#requestId(),
      });
    }
    return key;
  }

  #view(key: ApiKey): KeyView {
    return { key, stored: this.keyring.has(key.id) };
  }

  #newKey(base: Omit<ApiKey, "id" | "prefix" | "last_four" | "created_at" | "status">) {
    this.#counter += 1;
    const id = `key_01NEW${this.#counter}`;
    const secret = `pk_${base.environment}_${hex(64, 97 + this.#counter)}`;
    const key: ApiKey = {
      ...base,
      id,
      prefix: secret.slice(0, 24),
      last_four: secret.slice(-4),
      status: "active",
      created_at: iso(NOW + this.#counter * 60_000),
    };
    this.keys.unshift(key);
    this.secrets.set(id, secret);
    this.reveals.set(id, secret);
    return { key, secret };
  }

  #store(keyId: string, secret: string, save: boolean) {
    if (!save) return { saved: false, error: null };
    if (this.keyringLocked) {
      return {
        saved: false,
        error: { code: "keyring_locked" as const, message: "The system keyring is locked." },
      };
    }
    this.keyring.set(keyId, secret);
    return { saved: true, error: null };
  }

  #usage(keyId: string, window: UsageWindow): Usage {
    const size = window === "1h" ? 60 : window === "24h" ? 24 : 30;
    const step = window === "1h" ? 60_000 : window === "24h" ? 3_600_000 : 86_400_000;
    const seed = [...keyId].reduce((a, c) => a + c.charCodeAt(0), 0);
    const buckets = Array.from({ length: size }, (_, i) => ({
      start: iso(NOW - (size - 1 - i) * step),
      count: this.#key(keyId).status === "active" ? (seed * (i + 3)) % 23 : 0,
    }));
    return {
      window,
      buckets,
      total: buckets.reduce((a, b) => a + b.count, 0),
      last_used_at: this.#key(keyId).last_used_at ?? null,
    };
  }

  /** The {@link Api}. Each method may first fail with a queued error. */
  readonly api: Api = new Proxy({} as Api, {
    get: (_, name: string) => {
      const implementation = (this.#impl as unknown as Record<string, unknown>)[name];
      if (typeof implementation !== "function") return undefined;
      return async (...args: unknown[]) => {
        const failure = this.#failures.get(name)?.shift();
        if (failure) throw new ApiError(failure);
        return (implementation as (...a: unknown[]) => unknown).apply(this.#impl, args);
      };
    },
  });

  readonly #impl: Api = {
    appInfo: async () => appInfo(),
    signIn: async () => sessionView(),
    signOut: async () => {
      this.reveals.clear();
      this.clipboard = null;
    },
    currentSession: async () => sessionView(),
    reportPainted: async () => {},
    lockApp: async () => {
      this.locked = true;
      this.reveals.clear();
      this.clipboard = null;
    },
    unlockApp: async (password) => {
      if (password !== "sandbox-pass-123") {
        fail({
          code: "unauthorized",
          message: "Wrong email or password",
          request_id: this.#requestId(),
        });
      }
      this.locked = false;
      return sessionView();
    },

    listKeys: async (filter: KeyFilter) => {
      const id = this.#requestId();
      this.#record("GET", "/api/portal/v1/api_keys?per_page=100", 200, id);
      return this.keys
        .filter((k) => !filter.environment || k.environment === filter.environment)
        .filter((k) => !filter.status || k.status === filter.status)
        .map((k) => this.#view(k));
    },
    getKey: async (keyId) => this.#view(this.#key(keyId)),
    createKey: async (request: CreateKeyRequest): Promise<Created> => {
      const label = request.label.trim();
      if (!label)
        fail({ code: "invalid_request", message: "Give the key a label", field: "label" });
      const active = this.keys.filter(
        (k) => k.environment === request.environment && k.status === "active",
      );
      if (active.some((k) => k.label === label)) {
        fail({
          code: "conflict",
          message: "An active key of this environment already has this label",
          field: "label",
          request_id: this.#requestId(),
        });
      }
      const requestId = this.#requestId();
      this.#record("POST", "/api/portal/v1/api_keys", 201, requestId);
      const { key, secret } = this.#newKey({
        label,
        environment: request.environment,
        permission_preset: request.preset,
        scope: request.customer ? { type: "user", user_id: request.customer } : { type: "partner" },
        created_by: "adm_01",
        ...(request.expires_at ? { expires_at: request.expires_at } : {}),
      });
      this.#event("api_key.created", key.id, requestId);
      return {
        key,
        reveal: { key_id: key.id, secret },
        stored: this.#store(key.id, secret, request.save),
        request_id: requestId,
      };
    },
    addExistingKey: async (secret) => {
      const text = secret.trim();
      if (!/^pk_(live|test)_[0-9a-f]{64}$/.test(text)) {
        fail({
          code: "invalid_request",
          message: "This is not a partner API key: keys start with pk_live_ or pk_test_",
          field: "secret",
        });
      }
      const entry = [...this.secrets.entries()].find(([, s]) => s === text);
      if (!entry) {
        fail({ code: "unauthorized", message: "Invalid API key", request_id: this.#requestId() });
      }
      const key = this.#key(entry[0]);
      this.keyring.set(key.id, text);
      this.#local("added", key.id);
      return this.#view(key);
    },
    verifyKey: async (keyId) => {
      const key = this.#key(keyId);
      if (!this.keyring.has(keyId)) {
        fail({ code: "secret_not_stored", message: "This computer's keyring does not hold it" });
      }
      const requestId = this.#requestId();
      if (key.status !== "active") {
        this.#record("GET", "/api/partner/v1/me", 401, requestId);
        this.#local("verified", keyId, "refused: unauthorized");
        fail({ code: "unauthorized", message: "Invalid API key", request_id: requestId });
      }
      this.#record("GET", "/api/partner/v1/me", 200, requestId);
      this.#local("verified", keyId, "accepted in 18 ms");
      return {
        environment: key.environment,
        preset: key.permission_preset,
        scope: key.scope,
        partner: { id: "org_01", name: "Acme Analytics" },
        latency_ms: 18,
        request_id: requestId,
      };
    },
    rotateKey: async (keyId, oldKey: OldKey, save) => {
      const old = this.#key(keyId);
      if (old.status !== "active" || old.replaced_by) {
        fail({
          code: "conflict",
          message: "Only an active key that was not rotated can be rotated",
          request_id: this.#requestId(),
        });
      }
      const requestId = this.#requestId();
      const { key, secret } = this.#newKey({
        label: old.label,
        environment: old.environment,
        permission_preset: old.permission_preset,
        scope: old.scope,
        created_by: "adm_01",
        replaces: old.id,
      });
      old.replaced_by = key.id;
      if (oldKey.kind === "revoke_now") {
        old.status = "revoked";
        old.revoked_at = iso(NOW);
        this.keyring.delete(old.id);
      } else if (oldKey.kind === "expire_in") {
        old.expires_at = iso(NOW + oldKey.seconds * 1000);
      }
      this.#event("api_key.rotated", old.id, requestId);
      return {
        key,
        replaced: { ...old },
        reveal: { key_id: key.id, secret },
        stored: this.#store(key.id, secret, save),
        request_id: requestId,
      } satisfies Rotated;
    },
    revokeKey: async (keyId) => {
      const key = this.#key(keyId);
      const requestId = this.#requestId();
      if (key.status !== "revoked") {
        key.status = "revoked";
        key.revoked_at = iso(NOW);
        this.#event("api_key.revoked", keyId, requestId);
      }
      this.keyring.delete(keyId);
      return { ...key };
    },
    keyLeaked: async (keyId) => {
      const rotated = await this.#impl.rotateKey(keyId, { kind: "revoke_now" }, true);
      this.clipboard = null;
      this.#local("leaked", keyId, `replaced by ${rotated.key.id}`);
      return rotated;
    },
    reconcileKeys: async () => ({
      stale: this.keys.filter((k) => k.status !== "active" && this.keyring.has(k.id)),
      missing: this.keys.filter((k) => k.status === "active" && !this.keyring.has(k.id)),
      unknown: [...this.keyring.keys()].filter((id) => !this.keys.some((k) => k.id === id)),
    }),
    purgeSecrets: async (keyIds) => {
      let removed = 0;
      for (const id of keyIds) if (this.keyring.delete(id)) removed += 1;
      return removed;
    },
    keyUsage: async (keyId, window) => this.#usage(keyId, window),
    searchCustomers: async (_environment: Environment, query) => {
      const q = query.trim().toLowerCase();
      // The key wizard's search sees the first customers only (its tests rely on them).
      return BASE_CUSTOMERS.filter(
        (u) =>
          !q || u.email.includes(q) || `${u.first_name} ${u.last_name}`.toLowerCase().includes(q),
      );
    },

    copyRevealed: async (keyId) => {
      const secret = this.reveals.get(keyId);
      if (!secret)
        fail({
          code: "invalid_request",
          message: "This secret was already closed",
          field: "key_id",
        });
      this.clipboard = secret;
      this.#local("copied", keyId, "from the reveal step");
      return { clear_after_seconds: this.settings.clipboard_clear_seconds };
    },
    copyStoredSecret: async (keyId) => {
      if (this.locked) fail({ code: "locked", message: "The app is locked" });
      const secret = this.keyring.get(keyId);
      if (!secret)
        fail({ code: "secret_not_stored", message: "This computer's keyring does not hold it" });
      this.clipboard = secret;
      this.#local("copied", keyId);
      return { clear_after_seconds: this.settings.clipboard_clear_seconds };
    },
    saveRevealed: async (keyId) => {
      if (this.keyringLocked)
        fail({ code: "keyring_locked", message: "The system keyring is locked." });
      const secret = this.reveals.get(keyId);
      if (!secret)
        fail({
          code: "invalid_request",
          message: "This secret was already closed",
          field: "key_id",
        });
      this.keyring.set(keyId, secret);
    },
    unsaveRevealed: async (keyId) => {
      this.keyring.delete(keyId);
    },
    closeReveal: async (keyId) => {
      this.reveals.delete(keyId);
    },
    clearClipboard: async () => {
      const had = this.clipboard !== null;
      this.clipboard = null;
      return had;
    },

    copyText: async (text) => {
      this.clipboard = text;
    },

    openExternal: async (url) => {
      if (!url.startsWith("https://")) {
        throw new ApiError({
          code: "invalid_request",
          message: "Only https links open",
          field: "url",
        });
      }
      this.opened.push(url);
    },

    openBrowser: async (keyId): Promise<BrowseInfo> => {
      const key = this.#browse(keyId, true);
      const preset = key.permission_preset;
      return {
        key_id: key.id,
        me: {
          api_key: {
            environment: key.environment,
            permission_preset: preset,
            prefix: key.prefix,
            scope: key.scope,
          },
          partner: { id: "org_01", name: "Acme Analytics" },
        },
        can_check_availability: preset === "limited" || preset === "full",
        can_set_forwarding: preset === "full",
        rate_limit_per_minute: 600,
      };
    },
    createBrowsingKey: async (environment) => {
      const taken = this.keys
        .filter((k) => k.environment === environment && k.status === "active")
        .map((k) => k.label);
      let label = "Domain browsing";
      for (let n = 2; taken.includes(label); n += 1) label = `Domain browsing ${n}`;
      const requestId = this.#requestId();
      this.#record("POST", "/api/portal/v1/api_keys", 201, requestId);
      const { key, secret } = this.#newKey({
        label,
        environment,
        permission_preset: "read",
        scope: { type: "partner" },
        created_by: "adm_01",
      });
      this.reveals.delete(key.id);
      this.#event("api_key.created", key.id, requestId);
      if (this.keyringLocked) {
        // Nobody could use it: Rust revokes it and returns the keyring's error.
        await this.#impl.revokeKey(key.id);
        fail({ code: "keyring_locked", message: "The system keyring is locked." });
      }
      this.keyring.set(key.id, secret);
      this.#local("stored", key.id);
      return this.#view(key);
    },
    scanDomains: async (keyId, filter, onEvent) =>
      this.domains.scan(this.#browse(keyId), filter, onEvent),
    controlScan: async (scanId, control) => this.domains.control(scanId, control),
    domainStats: async (keyId, filter) => this.domains.stats(this.#browse(keyId), filter),
    domainDetail: async (keyId, domainId) => this.domains.detail(this.#browse(keyId), domainId),
    listCustomers: async (keyId) => this.domains.listCustomers(this.#browse(keyId)),
    checkAvailability: async (keyId, names, onBatch) =>
      this.domains.checkAvailability(this.#browse(keyId), names, onBatch),
    setForwarding: async (keyId, domains, url, onProgress) =>
      this.domains.setForwarding(this.#browse(keyId), domains, url, onProgress),
    exportDomainsCsv: async (rows, _customers, suggestedName) => {
      if (this.exportCancels) return null;
      this.exports.push({ rows: rows.length, suggestedName });
      return { path: `/home/ada/Downloads/${suggestedName}`, rows: rows.length };
    },

    getSettings: async () => ({ ...this.settings }),
    saveSettings: async (settings) => {
      if (settings.clipboard_clear_seconds < 5 || settings.clipboard_clear_seconds > 600) {
        fail({
          code: "invalid_request",
          message: "Clear the clipboard after 5 to 600 seconds",
          field: "clipboard_clear_seconds",
        });
      }
      if (settings.idle_lock_minutes < 1 || settings.idle_lock_minutes > 240) {
        fail({
          code: "invalid_request",
          message: "Lock after 1 to 240 minutes of inactivity",
          field: "idle_lock_minutes",
        });
      }
      this.settings = { ...settings };
      return { ...settings };
    },
    activity: async (keyId, limit) =>
      this.events
        .filter((item) =>
          keyId === null
            ? true
            : item.source === "server"
              ? item.event.api_key_id === keyId
              : item.entry.key_id === keyId,
        )
        .slice(0, limit),
    requestLog: async () => [...this.log],
  };
}

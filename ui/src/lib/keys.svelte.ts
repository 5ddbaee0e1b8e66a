/**
 * The Keys screen's state: the partner's keys under the chosen filters, which key is open,
 * which one was just made, and where this computer's keyring disagrees with the server.
 *
 * One instance per signed-in shell, built with the {@link Api} it talks through (tests pass a
 * fake), so the filters survive opening a key and coming back.
 */
import { ApiError } from "./api";
import type { Api, KeyFilter, KeyId, KeyView, Reconciliation } from "./api";

export type EnvironmentFilter = "all" | "live" | "test";
export type StatusFilter = "all" | "active" | "expired" | "revoked";

/** How close an expiry must be for a key to be shown as expiring soon: one week. */
export const EXPIRES_SOON_MS = 7 * 24 * 60 * 60 * 1000;

/** Whether a key with this expiry stops working within {@link EXPIRES_SOON_MS} of `now`. */
export function expiresSoon(expiresAt: string | null | undefined, now: number): boolean {
  if (!expiresAt) return false;
  const at = Date.parse(expiresAt);
  return !Number.isNaN(at) && at > now && at - now <= EXPIRES_SOON_MS;
}

/** Newest first: a key made a moment ago is at the top. */
function newestFirst(a: KeyView, b: KeyView): number {
  return Date.parse(b.key.created_at) - Date.parse(a.key.created_at);
}

export class KeysStore {
  /** The keys matching the filters, newest first. */
  keys = $state<KeyView[]>([]);
  environment = $state<EnvironmentFilter>("all");
  status = $state<StatusFilter>("all");
  loading = $state(false);
  /** Whether a list has come back at least once (the empty state waits for it). */
  loaded = $state(false);
  /** Why the list could not be read; the last list stays on screen. */
  error = $state<ApiError | null>(null);

  /** The key whose detail is open, or `null` for the list. */
  selectedId = $state<KeyId | null>(null);
  /** The key to draw attention to in the list: a new one, or the one just closed. */
  highlightId = $state<KeyId | null>(null);

  /** Where the keyring and the server disagree; `null` until checked. */
  reconciliation = $state<Reconciliation | null>(null);
  reconcileError = $state<ApiError | null>(null);
  purging = $state(false);
  purgeError = $state<ApiError | null>(null);
  /** How many stored secrets the last purge removed, for a short confirmation. */
  purged = $state<number | null>(null);

  readonly #api: Api;
  /** Only the latest list request may write the list (filters can change mid-flight). */
  #listSeq = 0;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Whether any filter narrows the list. */
  get filtered(): boolean {
    return this.environment !== "all" || this.status !== "all";
  }

  /** The partner has no keys at all (not: none match the filters). */
  get empty(): boolean {
    return this.loaded && !this.error && !this.filtered && this.keys.length === 0;
  }

  /** Keys exist, but none match the filters. */
  get noMatches(): boolean {
    return this.loaded && !this.error && this.filtered && this.keys.length === 0;
  }

  /** The open key as the list last saw it. */
  get selected(): KeyView | null {
    return this.keys.find((view) => view.key.id === this.selectedId) ?? null;
  }

  /** Stored secrets that can go: of revoked or expired keys, and of keys the server doesn't know. */
  get purgeable(): KeyId[] {
    const r = this.reconciliation;
    return r ? [...r.stale.map((key) => key.id), ...r.unknown] : [];
  }

  /** The filter as `listKeys` takes it. */
  get filter(): KeyFilter {
    return {
      environment: this.environment === "all" ? null : this.environment,
      status: this.status === "all" ? null : this.status,
    };
  }

  /** Reads the list under the current filters and checks the keyring against the server. */
  async refresh(): Promise<void> {
    await Promise.all([this.#list(), this.reconcile()]);
  }

  async #list(): Promise<void> {
    const seq = ++this.#listSeq;
    this.loading = true;
    try {
      const keys = await this.#api.listKeys(this.filter);
      if (seq !== this.#listSeq) return;
      this.keys = [...keys].sort(newestFirst);
      this.error = null;
      this.loaded = true;
    } catch (thrown) {
      if (seq === this.#listSeq) this.error = ApiError.from(thrown);
    } finally {
      if (seq === this.#listSeq) this.loading = false;
    }
  }

  async setEnvironment(environment: EnvironmentFilter): Promise<void> {
    this.environment = environment;
    await this.#list();
  }

  async setStatus(status: StatusFilter): Promise<void> {
    this.status = status;
    await this.#list();
  }

  async clearFilters(): Promise<void> {
    this.environment = "all";
    this.status = "all";
    await this.#list();
  }

  /** Asks where the keyring and the server disagree. A failure is kept, not thrown. */
  async reconcile(): Promise<void> {
    try {
      this.reconciliation = await this.#api.reconcileKeys();
      this.reconcileError = null;
    } catch (thrown) {
      this.reconcileError = ApiError.from(thrown);
    }
  }

  /** Removes the stored secrets that no longer serve any key, then looks again. */
  async purge(): Promise<void> {
    const ids = this.purgeable;
    if (this.purging || ids.length === 0) return;
    this.purging = true;
    this.purgeError = null;
    this.purged = null;
    try {
      this.purged = await this.#api.purgeSecrets(ids);
    } catch (thrown) {
      this.purgeError = ApiError.from(thrown);
    } finally {
      this.purging = false;
    }
    await this.refresh();
  }

  dismissPurged(): void {
    this.purged = null;
  }

  /** Opens a key's detail (`null` goes back to the list, highlighting the key that was open). */
  select(keyId: KeyId | null): void {
    if (keyId === null && this.selectedId) this.highlightId = this.selectedId;
    this.selectedId = keyId;
  }

  /** A key was just made or added: shows it at the top of an unfiltered list, highlighted. */
  async showNew(keyId: KeyId): Promise<void> {
    this.highlightId = keyId;
    this.environment = "all";
    this.status = "all";
    await this.refresh();
  }

  /** Puts a changed key into the list without reading the whole list again. */
  update(view: KeyView): void {
    this.keys = this.keys.map((v) => (v.key.id === view.key.id ? view : v));
  }
}

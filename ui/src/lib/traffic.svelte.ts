/**
 * Old key vs new key after a rotation: both keys' requests over the last hour, read again every
 * few seconds while watched, and what that means ("still in use" or "safe to revoke"). Also
 * revokes the old key at the admin's word.
 */
import { ApiError } from "./api";
import type { Api, ApiKey, Usage } from "./api";

/** How often the usage is read again while the view is open. */
export const POLL_MS = 5000;
/** "Recent" = the last five one-minute buckets of the hour. */
export const RECENT_MINUTES = 5;

/** Requests in the last `minutes` buckets of a usage window (oldest bucket first). */
export function recentTotal(usage: Usage | null, minutes: number = RECENT_MINUTES): number {
  if (!usage) return 0;
  return usage.buckets.slice(-minutes).reduce((sum, bucket) => sum + bucket.count, 0);
}

/** What the old key's traffic says: not read yet, revoked or expired, still used, or quiet. */
export type Verdict = "unknown" | "revoked" | "expired" | "busy" | "quiet";

export class TrafficWatch {
  /** The old key, as the rotation (or the revoke) left it. */
  old: ApiKey;
  readonly new: ApiKey;
  oldUsage = $state.raw<Usage | null>(null);
  newUsage = $state.raw<Usage | null>(null);
  loading = $state(false);
  error = $state<ApiError | null>(null);
  /** The inline "revoke the old key now?" question is open. */
  confirmingRevoke = $state(false);
  revoking = $state(false);
  revokeError = $state<ApiError | null>(null);

  readonly #api: Api;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  /** Bumped by each start, so a loop left over from an earlier start ends. */
  #generation = 0;

  constructor(api: Api, oldKey: ApiKey, newKey: ApiKey) {
    this.#api = api;
    this.old = $state.raw(oldKey);
    this.new = newKey;
  }

  get running(): boolean {
    return this.#running;
  }

  get oldRecent(): number {
    return recentTotal(this.oldUsage);
  }

  get newRecent(): number {
    return recentTotal(this.newUsage);
  }

  get verdict(): Verdict {
    if (this.old.status === "revoked") return "revoked";
    if (this.old.status === "expired") return "expired";
    if (!this.oldUsage) return "unknown";
    return this.oldRecent > 0 ? "busy" : "quiet";
  }

  /** Reads both keys' usage now and then every {@link POLL_MS} until {@link stop}. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#generation += 1;
    void this.#poll(this.#generation);
  }

  /** Stops reading; an answer still on its way is shown, but no new request is made. */
  stop(): void {
    this.#running = false;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Reads both keys' last hour once. */
  async refresh(): Promise<void> {
    this.loading = true;
    try {
      const [oldUsage, newUsage] = await Promise.all([
        this.#api.keyUsage(this.old.id, "1h"),
        this.#api.keyUsage(this.new.id, "1h"),
      ]);
      this.oldUsage = oldUsage;
      this.newUsage = newUsage;
      this.error = null;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
    } finally {
      this.loading = false;
    }
  }

  /** Revokes the old key at once (after the inline confirmation). */
  async revokeOld(): Promise<boolean> {
    if (this.revoking || this.old.status === "revoked") return false;
    this.revoking = true;
    this.revokeError = null;
    try {
      this.old = await this.#api.revokeKey(this.old.id);
      this.confirmingRevoke = false;
      return true;
    } catch (thrown) {
      this.revokeError = ApiError.from(thrown);
      return false;
    } finally {
      this.revoking = false;
    }
  }

  async #poll(generation: number) {
    await this.refresh();
    if (this.#running && generation === this.#generation) {
      this.#timer = setTimeout(() => void this.#poll(generation), POLL_MS);
    }
  }
}

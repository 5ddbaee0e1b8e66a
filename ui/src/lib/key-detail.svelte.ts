/**
 * One key's detail: the key as the server describes it, Verify (`GET /me` with the stored
 * secret), Copy from the keyring with the clipboard countdown, and its usage over a window.
 *
 * Built per open key with the {@link Api} it talks through (tests pass a fake). Call
 * {@link KeyDetailStore.dispose} when the detail goes away: it stops the countdown.
 */
import { ApiError } from "./api";
import type { Api, ApiKey, KeyId, KeyView, Usage, UsageWindow, Verification } from "./api";

/** Where the clipboard countdown is: nothing copied, counting down, or cleared. */
export type CopyState = "idle" | "copied" | "cleared";

export class KeyDetailStore {
  readonly keyId: KeyId;

  view = $state<KeyView | null>(null);
  loading = $state(true);
  error = $state<ApiError | null>(null);

  verifying = $state(false);
  verification = $state<Verification | null>(null);
  verifyError = $state<ApiError | null>(null);

  copying = $state(false);
  copyState = $state<CopyState>("idle");
  /** Seconds until the clipboard is cleared, while {@link copyState} is `copied`. */
  clearsIn = $state(0);
  copyError = $state<ApiError | null>(null);

  usageWindow = $state<UsageWindow>("24h");
  usage = $state<Usage | null>(null);
  usageLoading = $state(false);
  usageError = $state<ApiError | null>(null);

  readonly #api: Api;
  #timer: ReturnType<typeof setInterval> | null = null;
  #usageSeq = 0;

  constructor(api: Api, keyId: KeyId) {
    this.#api = api;
    this.keyId = keyId;
  }

  get key(): ApiKey | null {
    return this.view?.key ?? null;
  }

  get stored(): boolean {
    return this.view?.stored ?? false;
  }

  /** Why the key can do nothing more, or `null` while it is active. */
  get inactiveReason(): string | null {
    const key = this.key;
    if (!key || key.status === "active") return null;
    if (key.status === "revoked") return "This key is revoked: it no longer works.";
    if (key.status === "expired") return "This key has expired: it no longer works.";
    return `This key is ${key.status}: it no longer works.`;
  }

  /** Why Verify cannot run, or `null`. A revoked key that is still stored may be verified. */
  get verifyBlocked(): string | null {
    if (!this.stored) return "Verify needs the secret in this computer's keyring.";
    return null;
  }

  /** Why Copy cannot run, or `null`. */
  get copyBlocked(): string | null {
    if (this.inactiveReason) return this.inactiveReason;
    if (!this.stored) {
      return "Copy needs the secret in this computer's keyring. Paste it once with Add existing key.";
    }
    return null;
  }

  get rotateBlocked(): string | null {
    if (this.inactiveReason) return this.inactiveReason;
    if (this.key?.replaced_by) {
      return "This key was already rotated. Open its replacement to rotate again.";
    }
    return null;
  }

  get revokeBlocked(): string | null {
    return this.inactiveReason;
  }

  get leakedBlocked(): string | null {
    if (this.inactiveReason) return this.inactiveReason;
    if (this.key?.replaced_by) {
      return "This key was already replaced. If it leaked, revoke it now: its replacement has a different secret.";
    }
    return null;
  }

  /** Reads the key, then its usage. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      this.view = await this.#api.getKey(this.keyId);
      this.error = null;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
    } finally {
      this.loading = false;
    }
    if (this.view) await this.loadUsage();
  }

  /** Checks the stored secret against the server (`GET /me`). */
  async verify(): Promise<void> {
    if (this.verifying) return;
    this.verifying = true;
    this.verification = null;
    this.verifyError = null;
    try {
      this.verification = await this.#api.verifyKey(this.keyId);
    } catch (thrown) {
      this.verifyError = ApiError.from(thrown);
    } finally {
      this.verifying = false;
    }
  }

  /** Copies the stored secret (Rust writes the clipboard) and counts down to its clearing. */
  async copy(): Promise<void> {
    if (this.copying) return;
    this.copying = true;
    this.copyError = null;
    try {
      const receipt = await this.#api.copyStoredSecret(this.keyId);
      this.#countDown(receipt.clear_after_seconds);
    } catch (thrown) {
      this.copyError = ApiError.from(thrown);
      this.#stopTimer();
      this.copyState = "idle";
    } finally {
      this.copying = false;
    }
  }

  #countDown(seconds: number): void {
    this.#stopTimer();
    const clearsAt = Date.now() + seconds * 1000;
    this.clearsIn = Math.max(0, Math.ceil(seconds));
    this.copyState = this.clearsIn > 0 ? "copied" : "cleared";
    if (this.copyState === "cleared") return;
    this.#timer = setInterval(() => {
      this.clearsIn = Math.max(0, Math.ceil((clearsAt - Date.now()) / 1000));
      if (this.clearsIn === 0) {
        this.copyState = "cleared";
        this.#stopTimer();
      }
    }, 1000);
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Reads the usage of a window (the current one by default). */
  async loadUsage(usageWindow: UsageWindow = this.usageWindow): Promise<void> {
    const seq = ++this.#usageSeq;
    this.usageWindow = usageWindow;
    this.usageLoading = true;
    this.usageError = null;
    try {
      const usage = await this.#api.keyUsage(this.keyId, usageWindow);
      if (seq === this.#usageSeq) this.usage = usage;
    } catch (thrown) {
      if (seq === this.#usageSeq) this.usageError = ApiError.from(thrown);
    } finally {
      if (seq === this.#usageSeq) this.usageLoading = false;
    }
  }

  /** The key after a revoke: no longer stored here, and any earlier check no longer holds. */
  revoked(key: ApiKey): void {
    this.view = { key, stored: false };
    this.verification = null;
    this.verifyError = null;
    this.#stopTimer();
    this.copyState = "idle";
  }

  dispose(): void {
    this.#stopTimer();
  }
}

/**
 * The one-time reveal of a new key's secret: masked or shown, copied (Rust writes the clipboard
 * and clears it later), saved to or removed from the keyring, and closed for good.
 *
 * The secret lives here only while the step is open: {@link RevealStore.close} tells Rust to drop
 * its copy and drops this one; {@link RevealStore.dispose} does the same when the step goes away
 * without being closed (the dialog torn down, sign-out). Nothing else keeps it.
 */
import { ApiError } from "./api";
import type { Api, Environment, KeyId, Stored } from "./api";

/** What the reveal step is given: the new key and where its secret went. */
export type RevealInput = {
  keyId: KeyId;
  label: string;
  environment: Environment;
  secret: string;
  stored: Stored;
};

/** Visible characters at the start of the masked secret: `pk_live_` plus four. */
const MASK_HEAD = 12;
const MASK_DOTS = 20;

/** The secret with only its start and its last four characters visible. */
export function maskSecret(secret: string): string {
  if (secret.length <= MASK_HEAD + 4) return "•".repeat(MASK_DOTS);
  return `${secret.slice(0, MASK_HEAD)}${"•".repeat(MASK_DOTS)}${secret.slice(-4)}`;
}

export class RevealStore {
  readonly keyId: KeyId;
  readonly label: string;
  readonly environment: Environment;

  /** Whether the whole secret is on screen (masked by default). */
  visible = $state(false);
  /** Whether the keyring holds the secret. */
  saved = $state(false);
  /** The keyring state being asked for, while that request runs. */
  pendingSave = $state<boolean | null>(null);
  /** Why saving (or removing) failed; from the create/rotate answer or a later toggle. */
  saveError = $state<ApiError | null>(null);
  copying = $state(false);
  copyError = $state<ApiError | null>(null);
  /** Seconds until Rust clears the clipboard; 0 once cleared; `null` before any copy. */
  clearsIn = $state<number | null>(null);
  /** The clear time of the latest copy, for the countdown bar. */
  clearTotal = $state(0);
  /** "I have stored this secret somewhere safe". */
  confirmed = $state(false);
  /** Set when the admin tried to close without confirming: the screen says why it stays. */
  nudged = $state(false);
  closing = $state(false);
  closeError = $state<ApiError | null>(null);
  /** `true` once closed: the secret is gone. */
  closed = $state(false);

  #secret = $state.raw<string | null>(null);
  #timer: ReturnType<typeof setInterval> | null = null;
  readonly #api: Api;

  constructor(api: Api, input: RevealInput) {
    this.#api = api;
    this.keyId = input.keyId;
    this.label = input.label;
    this.environment = input.environment;
    this.#secret = input.secret;
    this.saved = input.stored.saved;
    this.saveError = input.stored.error ? new ApiError(input.stored.error) : null;
  }

  /** The secret while the step is open, else `null`. */
  get secret(): string | null {
    return this.#secret;
  }

  /** What the secret's field shows: the whole secret when visible, else its start and dots. */
  get shown(): string {
    const secret = this.#secret;
    if (secret === null) return "";
    return this.visible ? secret : maskSecret(secret);
  }

  /** What the keyring checkbox shows: the requested state while a request runs. */
  get saveChecked(): boolean {
    return this.pendingSave ?? this.saved;
  }

  get canClose(): boolean {
    return this.confirmed && !this.closing && !this.closed;
  }

  toggleVisible(): void {
    this.visible = !this.visible;
  }

  /** Has Rust copy the secret, then counts down to the moment it clears the clipboard. */
  async copy(): Promise<void> {
    if (this.copying || this.closed) return;
    this.copying = true;
    this.copyError = null;
    try {
      const receipt = await this.#api.copyRevealed(this.keyId);
      this.#countdown(receipt.clear_after_seconds);
    } catch (thrown) {
      this.copyError = ApiError.from(thrown);
    } finally {
      this.copying = false;
    }
  }

  /** Saves the secret to the keyring (`true`) or removes it (`false`). */
  async setSaved(save: boolean): Promise<void> {
    if (this.pendingSave !== null || this.closed) return;
    this.pendingSave = save;
    this.saveError = null;
    try {
      if (save) await this.#api.saveRevealed(this.keyId);
      else await this.#api.unsaveRevealed(this.keyId);
      this.saved = save;
    } catch (thrown) {
      this.saveError = ApiError.from(thrown);
    } finally {
      this.pendingSave = null;
    }
  }

  /** Tries to save again after a failure (a keychain that was locked). */
  retrySave(): Promise<void> {
    return this.setSaved(true);
  }

  /**
   * Closes the step once the admin confirmed: Rust drops the secret, and so does this store.
   * Without the confirmation nothing happens but the nudge. Returns whether it closed.
   */
  async close(): Promise<boolean> {
    if (this.closed) return true;
    if (!this.confirmed) {
      this.nudged = true;
      return false;
    }
    if (this.closing) return false;
    this.closing = true;
    this.closeError = null;
    try {
      await this.#api.closeReveal(this.keyId);
      this.#forget();
      return true;
    } catch (thrown) {
      this.closeError = ApiError.from(thrown);
      return false;
    } finally {
      this.closing = false;
    }
  }

  /**
   * The step went away: stop the countdown and, when it was not closed, drop the secret here and
   * in Rust (best effort: there is no screen left to show a failure on).
   */
  dispose(): void {
    this.#stopTimer();
    if (this.closed) return;
    this.#forget();
    this.#api.closeReveal(this.keyId).catch(() => {});
  }

  #forget() {
    this.#secret = null;
    this.visible = false;
    this.closed = true;
    this.#stopTimer();
  }

  #countdown(seconds: number) {
    this.#stopTimer();
    const total = Math.max(0, Math.round(seconds));
    const deadline = Date.now() + total * 1000;
    this.clearTotal = total;
    this.clearsIn = total;
    if (total === 0) return;
    this.#timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      this.clearsIn = left;
      if (left === 0) this.#stopTimer();
    }, 1000);
  }

  #stopTimer() {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

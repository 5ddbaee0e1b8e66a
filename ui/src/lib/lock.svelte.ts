/**
 * The app lock: after a stretch without input the app locks (Rust clears the clipboard and
 * forgets open reveals) and nothing but the lock screen is shown until the admin's password is
 * entered again.
 *
 * {@link LockStore} keeps the state and the idle timer; `LockGate.svelte` feeds it the user's
 * input and draws the lock screen. Components inside the gate can lock at once through
 * {@link getLockNow} (a "Lock now" button in the shell).
 */
import { getContext, setContext } from "svelte";
import { ApiError } from "./api";
import type { Api } from "./api";

export const MINUTE_MS = 60_000;

export class LockStore {
  locked = $state(false);
  /** `true` while the lock or unlock call is under way. */
  busy = $state(false);
  /** Why unlocking (or locking) failed; unlock errors read in the sign-in context. */
  error = $state<ApiError | null>(null);
  /** Why the app locked, for the lock screen's words. */
  reason = $state<"idle" | "manual">("idle");

  readonly #api: Api;
  #idleMs = 5 * MINUTE_MS;
  #last = Date.now();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;

  constructor(api: Api, idleMinutes = 5) {
    this.#api = api;
    this.#idleMs = Math.max(1, idleMinutes) * MINUTE_MS;
  }

  /** Starts watching for idleness (again), counting from now. */
  start(): void {
    this.#running = true;
    this.#last = Date.now();
    this.#schedule(this.#idleMs);
  }

  /** Stops the idle timer (the gate is gone). */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** A new idle time, e.g. after the settings were saved; counts from the last input. */
  setIdleMinutes(minutes: number): void {
    this.#idleMs = Math.max(1, minutes) * MINUTE_MS;
    if (this.#running && !this.locked) this.#check();
  }

  /** The user did something: the idle time starts again. */
  touch(): void {
    if (this.locked) return;
    this.#last = Date.now();
  }

  /**
   * The window came back into view: lock at once when the idle time passed while it was hidden
   * (timers of hidden pages may run late), else it counts as activity.
   */
  visible(): void {
    if (this.locked || !this.#running) return;
    if (Date.now() - this.#last >= this.#idleMs) void this.lock("idle");
    else this.touch();
  }

  /** Locks now: the screen goes first, then Rust is told (so nothing waits on IPC). */
  async lock(reason: "idle" | "manual" = "manual"): Promise<void> {
    if (this.locked) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.locked = true;
    this.reason = reason;
    this.error = null;
    this.busy = true;
    try {
      await this.#api.lockApp();
    } catch (thrown) {
      this.error = ApiError.from(thrown);
    } finally {
      this.busy = false;
    }
  }

  /** Unlocks with the admin's password; returns whether it worked. */
  async unlock(password: string): Promise<boolean> {
    if (!this.locked || this.busy) return false;
    if (!password) {
      this.error = new ApiError({
        code: "invalid_request",
        message: "Enter your password.",
        field: "password",
      });
      return false;
    }
    this.busy = true;
    this.error = null;
    try {
      await this.#api.unlockApp(password);
      this.locked = false;
      if (this.#running) this.start();
      return true;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Fires when the idle time since the last input may be up. */
  #check(): void {
    if (!this.#running || this.locked) return;
    const left = this.#last + this.#idleMs - Date.now();
    if (left <= 0) void this.lock("idle");
    else this.#schedule(left);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#check(), ms);
  }
}

const LOCK_NOW = Symbol("lock-now");

/** Set by `LockGate` for everything inside it. */
export function setLockNow(lock: () => void): void {
  setContext(LOCK_NOW, lock);
}

/** Locks the app at once, from inside a `LockGate`; `null` outside one. */
export function getLockNow(): (() => void) | null {
  return getContext<(() => void) | undefined>(LOCK_NOW) ?? null;
}

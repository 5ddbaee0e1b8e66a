/**
 * One scan of the fake portal: reads the matching rows 100 at a time on timers and tells its
 * listener, in order, pages, waits, pauses, then `finished`, `failed` (resumable) or `cancelled`,
 * like the Rust `scan_domains` task. Events never come from inside a call: always from a timer.
 */
import type { Domain, ErrorCode, IpcError, ScanControl, ScanEvent } from "../lib/api";

export const PAGE_SIZE = 100;

/** How the fake's requests reach the portal's request log and action log. */
export type PortalHooks = {
  requestId(): string;
  record(
    method: string,
    path: string,
    status: number | null,
    requestId: string | null,
    error?: ErrorCode | null,
    attempt?: number,
  ): void;
  local(action: string, keyId: string | null, note: string | null): void;
};

/** Trouble the next scans meet, each once (shared by the scans of one portal). */
export type ScanTrouble = {
  /** The scan that has delivered `afterPages` pages fails with `error` asking for the next. */
  failure: { afterPages: number; error: IpcError } | null;
  /** The scan asking for page `page` (1-based) gets a 429 and waits `seconds`. */
  rateLimit: { page: number; seconds: number } | null;
};

const HTTP: Partial<Record<ErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  server: 503,
};

export type ScanState = "running" | "paused" | "failed" | "finished" | "cancelled";

export class FakeScan {
  state: ScanState = "running";
  pages = 0;
  items = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #attempt = 1;

  /**
   * @param count how many rows match; `rowAt(i)` is the i-th (read when its page is sent, so a
   *   row changed meanwhile shows as changed)
   * @param path the first page's request path (for the log)
   * @param delayMs the wait before each page
   */
  constructor(
    readonly id: number,
    private readonly emit: (event: ScanEvent) => void,
    private readonly count: number,
    private readonly rowAt: (index: number) => Domain,
    private readonly path: string,
    private readonly hooks: PortalHooks,
    private readonly trouble: ScanTrouble,
    private readonly delayMs: () => number,
  ) {
    this.#next(this.delayMs());
  }

  /** Whether the scan can still send something. */
  get live(): boolean {
    return this.state !== "finished" && this.state !== "cancelled";
  }

  /** Pause, resume (after a pause or a failure) or cancel; ignored when it does not apply. */
  control(control: ScanControl): void {
    if (control === "cancel") {
      if (!this.live) return;
      this.#stop();
      this.state = "cancelled";
      this.#later({ kind: "cancelled" });
    } else if (control === "pause" && this.state === "running") {
      this.#stop();
      this.state = "paused";
      this.#later({ kind: "paused" });
    } else if (control === "resume" && (this.state === "paused" || this.state === "failed")) {
      this.state = "running";
      this.#later({ kind: "resumed" });
      this.#next(this.delayMs());
    }
  }

  /** Delivers the next page, a wait, a failure or the end. */
  #step(): void {
    this.#timer = null;
    if (this.state !== "running") return;
    const start = this.pages * PAGE_SIZE;
    if (this.pages > 0 && start >= this.count) {
      this.state = "finished";
      this.emit({ kind: "finished", progress: { pages: this.pages, items: this.items } });
      return;
    }
    const path = this.pages ? `${this.path}&page_token=p${this.pages}` : this.path;
    const limit = this.trouble.rateLimit;
    if (limit && limit.page === this.pages + 1) {
      this.trouble.rateLimit = null;
      const requestId = this.hooks.requestId();
      this.hooks.record("GET", path, 429, requestId, "rate_limited", this.#attempt);
      this.#attempt += 1;
      const message = "Waiting before asking again";
      const error: IpcError = { code: "rate_limited", message, request_id: requestId };
      this.emit({ kind: "waiting", seconds: limit.seconds, error });
      if (this.state === "running") this.#next(limit.seconds * 1000);
      return;
    }
    const failure = this.trouble.failure;
    if (failure && this.pages >= failure.afterPages) {
      this.trouble.failure = null;
      const { code, request_id } = failure.error;
      this.hooks.record("GET", path, HTTP[code] ?? null, request_id ?? null, code, this.#attempt);
      this.#attempt = 1;
      this.state = "failed";
      this.emit({ kind: "failed", error: failure.error });
      return;
    }
    const end = Math.min(this.count, start + PAGE_SIZE);
    const rows: Domain[] = [];
    for (let at = start; at < end; at += 1) rows.push(this.rowAt(at));
    this.pages += 1;
    this.items += rows.length;
    const requestId = this.hooks.requestId();
    this.hooks.record("GET", path, 200, requestId, null, this.#attempt);
    this.#attempt = 1;
    const progress = { pages: this.pages, items: this.items };
    this.emit({ kind: "page", rows, progress, request_id: requestId });
    // The listener may have paused or cancelled the scan meanwhile.
    if (this.state === "running") this.#next(this.delayMs());
  }

  #next(ms: number): void {
    this.#timer = setTimeout(() => this.#step(), ms);
  }

  #stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Sends `event` on a timer, after the events already on their way. */
  #later(event: ScanEvent): void {
    setTimeout(() => this.emit(event), 0);
  }
}

/**
 * Session state: what the Connect and Home screens show and change.
 *
 * One instance per app, built with the {@link Api} it talks through (tests pass a fake).
 * What the user typed lives here per server, so it survives a failed sign-in and switching
 * between the two server choices.
 */
import { ApiError } from "./api";
import type { Api, AppInfo, Milestone, ServerKind, SessionView, SignInRequest } from "./api";

/** The Connect form's fields, kept separately for each server choice. */
export type Draft = { email: string; password: string };

export class SessionStore {
  /** Version, profile and sandbox status; `null` until loaded (or when loading failed). */
  info = $state<AppInfo | null>(null);
  /** `true` until {@link load} has finished. */
  loading = $state(true);
  /** Which server the Connect form signs in to. */
  server = $state<ServerKind>("sandbox");
  /** The remote server's base URL as typed. */
  baseUrl = $state("");
  drafts = $state<Record<ServerKind, Draft>>({
    sandbox: { email: "", password: "" },
    remote: { email: "", password: "" },
  });
  signingIn = $state(false);
  signingOut = $state(false);
  /** The last failure, shown until the next attempt. */
  error = $state<ApiError | null>(null);
  /** The signed-in session, or `null` on the Connect screen. */
  session = $state<SessionView | null>(null);

  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** The sandbox's status, or `null` when app info could not be read. */
  get sandbox() {
    return this.info?.sandbox ?? null;
  }

  get sandboxRunning(): boolean {
    return this.sandbox?.state === "running";
  }

  /** The fields for the chosen server. */
  get draft(): Draft {
    return this.drafts[this.server];
  }

  /**
   * Reads app info and the restored session. Pre-fills the sandbox's own credentials, picks the
   * remote server when the sandbox is not running, and signs in to the sandbox once when the app
   * was started with auto sign-in.
   */
  async load(): Promise<void> {
    this.loading = true;
    try {
      const info = await this.#api.appInfo();
      this.info = info;
      if (info.sandbox.state === "running") {
        this.drafts.sandbox = {
          email: info.sandbox.admin_email,
          password: info.sandbox.admin_password,
        };
      } else {
        this.server = "remote";
      }
      await this.applySavedServer();
      this.session = await this.#api.currentSession();
    } catch (thrown) {
      this.error = ApiError.from(thrown);
      if (!this.sandboxRunning) this.server = "remote";
    } finally {
      this.loading = false;
    }
    if (!this.session && this.info?.auto_sign_in && this.sandboxRunning) {
      this.server = "sandbox";
      await this.signIn();
    }
  }

  /**
   * Starts the Connect form on the server chosen in Settings (a remote base URL is pre-filled).
   * Unreadable settings leave the default choice.
   */
  async applySavedServer(): Promise<void> {
    try {
      const { server } = await this.#api.getSettings();
      if (server.kind === "remote") {
        this.server = "remote";
        this.baseUrl = server.base_url;
      }
    } catch {
      // The defaults stand; Settings shows the same failure where it can be acted on.
    }
  }

  /** Switches the server choice; the sandbox can only be chosen while it runs. */
  choose(server: ServerKind): void {
    if (server === "sandbox" && !this.sandboxRunning) return;
    this.server = server;
    this.error = null;
  }

  /** The request for the current form, or an `invalid_request` error naming the empty field. */
  request(): SignInRequest | ApiError {
    const email = this.draft.email.trim();
    const password = this.draft.password;
    const baseUrl = this.baseUrl.trim();
    const missing = (field: string, what: string) =>
      new ApiError({ code: "invalid_request", message: `Enter ${what}.`, field });
    if (this.server === "remote" && !baseUrl) return missing("base_url", "the server's base URL");
    if (!email) return missing("email", "your email");
    if (!password) return missing("password", "your password");
    const server =
      this.server === "remote"
        ? { kind: "remote" as const, base_url: baseUrl }
        : { kind: "sandbox" as const };
    return { server, email, password };
  }

  /**
   * Signs in with what the form holds. On failure the error is kept in {@link error} and the
   * typed fields stay as they were. Returns whether a session was opened.
   */
  async signIn(): Promise<boolean> {
    if (this.signingIn) return false;
    const request = this.request();
    if (request instanceof ApiError) {
      this.error = request;
      return false;
    }
    this.signingIn = true;
    this.error = null;
    try {
      this.session = await this.#api.signIn(request);
      // The password is not needed once signed in; the sandbox's own stays pre-filled.
      this.drafts.remote.password = "";
      return true;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
      return false;
    } finally {
      this.signingIn = false;
    }
  }

  /**
   * Signs out. When Rust reports the session already gone, the screen goes back to Connect
   * anyway; other failures keep the session and show the error.
   */
  async signOut(): Promise<void> {
    if (this.signingOut) return;
    this.signingOut = true;
    this.error = null;
    try {
      await this.#api.signOut();
      this.session = null;
    } catch (thrown) {
      const error = ApiError.from(thrown);
      if (error.code === "session_expired" || error.code === "unauthorized") {
        this.session = null;
      } else {
        this.error = error;
      }
    } finally {
      this.signingOut = false;
    }
  }

  /** Tells Rust a start-up milestone is on screen. Timing only: a failure is ignored. */
  markPainted(milestone: Milestone): void {
    this.#api.reportPainted(milestone).catch(() => {});
  }
}

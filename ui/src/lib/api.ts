/**
 * The one door from the UI to Rust.
 *
 * Only this module imports the generated bindings or `@tauri-apps/*` (eslint enforces it).
 * Everything else receives an {@link Api} by injection, so tests pass a fake and never need Tauri.
 * Every failure leaves here as an {@link ApiError} carrying a normalised {@link IpcError}.
 */
import { commands } from "./bindings";
import type { ErrorCode, IpcError } from "./bindings";

/** The shape tauri-specta gives a fallible command's answer. */
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export type {
  Admin,
  AppInfo,
  ErrorCode,
  IpcError,
  Milestone,
  Partner,
  SandboxStatus,
  ServerChoice,
  ServerKind,
  ServerView,
  SessionView,
  SignInRequest,
} from "./bindings";
import type { AppInfo, Milestone, SessionView, SignInRequest } from "./bindings";

/** What the UI can ask of the Rust side. Plain async functions; failures throw {@link ApiError}. */
export interface Api {
  appInfo(): Promise<AppInfo>;
  signIn(request: SignInRequest): Promise<SessionView>;
  signOut(): Promise<void>;
  /** The session restored by Rust, or `null` when nobody is signed in. */
  currentSession(): Promise<SessionView | null>;
  /** Tells Rust a start-up milestone is on screen (logged, and read by the benchmark). */
  reportPainted(milestone: Milestone): Promise<void>;
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
};

export default tauriApi;

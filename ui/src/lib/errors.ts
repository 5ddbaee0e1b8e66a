/**
 * Error wording: the one table from {@link ErrorCode} to plain words.
 *
 * Each entry says what happened (`title`) and what to do (`action`). The UI branches on codes
 * only, never on message text; the message is shown as detail underneath.
 */
import type { ErrorCode, IpcError } from "./api";
import { ApiError } from "./api";

/** Where the error happened, when that changes what the words should say. */
export type ErrorContext = "general" | "sign-in";

type Wording = { title: string; action: string };
type Entry = Wording & {
  /** Different words when the error comes back from signing in. */
  signIn?: Wording;
};
type Words = Entry | ((error: Required<IpcError>) => Entry);

export const ERROR_WORDS: Record<ErrorCode, Words> = {
  unauthorized: {
    title: "You are not signed in",
    action: "Sign in again.",
    signIn: { title: "Email or password is not right", action: "Check them and try again." },
  },
  session_expired: {
    title: "Your session has ended",
    action: "Sign in again to continue.",
  },
  forbidden: {
    title: "This account is not allowed to do that",
    action: "Ask an owner of the partner account for access.",
    signIn: {
      title: "This account cannot use the partner portal",
      action: "Sign in with a partner admin account.",
    },
  },
  not_found: {
    title: "It is not there any more",
    action: "Refresh and try again; it may have been removed.",
  },
  invalid_request: (error) => ({
    title: "Something in the form is not right",
    action: error.field
      ? "Fix the marked field and try again."
      : "Check what you entered and try again.",
  }),
  conflict: {
    title: "That clashes with something that already exists",
    action: "Refresh to see the latest state, then try again.",
  },
  rate_limited: (error) => ({
    title: "Too many attempts",
    action:
      error.retry_after_seconds != null && error.retry_after_seconds > 0
        ? `Try again in ${Math.ceil(error.retry_after_seconds)} s.`
        : "Wait a moment, then try again.",
  }),
  network: {
    title: "Can't reach the server",
    action: "Check the address and your connection, then try again.",
  },
  timeout: {
    title: "The server took too long to answer",
    action: "Try again in a moment.",
  },
  server: {
    title: "The server had a problem",
    action: "Try again later. If it keeps happening, send the request id to the API's support.",
  },
  not_a_partner_api: {
    title: "That address is not a partner API",
    action: "Check the base URL: it should be the server's origin, e.g. https://api.peeker.ai.",
  },
  keyring_locked: {
    title: "Your keychain is locked",
    action: "Unlock your system keychain (login keyring), then try again.",
  },
  secret_not_stored: {
    title: "This computer does not hold that key's secret",
    action: "Paste the secret with Add existing key, or rotate the key to get a new one.",
  },
  locked: {
    title: "The app is locked",
    action: "Enter your password to unlock it.",
  },
  keyring_unavailable: {
    title: "No keychain is available",
    action: "Start a secret service such as GNOME Keyring, then try again.",
  },
  internal: {
    title: "Something went wrong in the app",
    action: "Try again. If it keeps happening, restart the app.",
  },
};

/** Names of the form fields an error can point at. */
const FIELD_LABELS: Record<string, string> = {
  base_url: "Base URL",
  email: "Email",
  password: "Password",
};

/** Everything a notice shows about one error. */
export type ErrorDescription = {
  code: ErrorCode;
  title: string;
  action: string;
  /** The server's (or our own) message, shown as detail. */
  message: string;
  requestId: string | null;
  /** The wire name of the field at fault (e.g. `base_url`), if any. */
  field: string | null;
  /** That field's name as the user sees it. */
  fieldLabel: string | null;
};

/** Turns any error (an {@link ApiError}, an {@link IpcError}, or anything thrown) into words. */
export function describe(err: unknown, context: ErrorContext = "general"): ErrorDescription {
  const error = ApiError.from(err).error;
  const words = ERROR_WORDS[error.code];
  const entry = typeof words === "function" ? words(error) : words;
  const wording = (context === "sign-in" && entry.signIn) || entry;
  const field = error.field || null;
  return {
    code: error.code,
    title: wording.title,
    action: wording.action,
    message: error.message.trim(),
    requestId: error.request_id || null,
    field,
    fieldLabel: field ? (FIELD_LABELS[field] ?? field) : null,
  };
}

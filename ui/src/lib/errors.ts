/**
 * Error wording: the one table from {@link ErrorCode} to plain words.
 *
 * Each entry says what happened (`title`) and what to do (`action`). The UI branches on codes
 * only, never on message text; the message is shown as detail underneath.
 */
import type { ErrorCode, IpcError } from "./api";
import { ApiError } from "./api";

/** Where the error happened, when that changes what the words should say. */
export type ErrorContext = "general" | "sign-in" | KeyContext | DomainContext;

/**
 * Contexts of the key screens: `key` (a call made with a key's secret: verify, add existing),
 * `create-key` (the create wizard), `customers` (its customer search), `reveal` (saving a new
 * secret to the keyring), `rotate` (the rotate wizard).
 */
type KeyContext = "key" | "create-key" | "customers" | "reveal" | "rotate";

/**
 * Contexts of the Domains screen: `browse` (opening a key for browsing and loading its
 * domains), `availability` and `forwarding` (the two actions a preset may forbid).
 */
type DomainContext = "browse" | "availability" | "forwarding";

/**
 * What a preset cannot do, in the words both the disabled button and a 403 from the server
 * show.
 */
export const PRESET_NEEDED = {
  availability: {
    title: "This key's preset cannot check availability",
    action: "Checking availability needs a limited or full key. Choose one in Browse with.",
  },
  forwarding: {
    title: "This key's preset cannot set forwarding",
    action: "Setting forwarding needs a full key. Choose one in Browse with.",
  },
} as const;

type Wording = { title: string; action: string };
type Entry = Wording & {
  /** Different words when the error comes back from signing in. */
  signIn?: Wording;
  /** Different words in one of the key or domain screens. */
  contexts?: Partial<Record<KeyContext | DomainContext, Wording>>;
};
type Words = Entry | ((error: Required<IpcError>) => Entry);

export const ERROR_WORDS: Record<ErrorCode, Words> = {
  unauthorized: {
    title: "You are not signed in",
    action: "Sign in again.",
    signIn: { title: "Email or password is not right", action: "Check them and try again." },
    contexts: {
      key: {
        title: "The server refused this key",
        action: "It may be revoked or expired, or made for another server.",
      },
      browse: {
        title: "The server refused this key",
        action:
          "It may be revoked or expired. Choose another key in Browse with, or create a browsing key.",
      },
    },
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
    contexts: PRESET_NEEDED,
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
  conflict: (error) => ({
    title: "That clashes with something that already exists",
    action: "Refresh to see the latest state, then try again.",
    contexts: {
      // The two 409s of creating a key: a duplicate label (field `label`), or the limit.
      "create-key":
        error.field === "label"
          ? {
              title: "An active key already has this label",
              action:
                "Choose another label: labels are unique among the active keys of one environment.",
            }
          : {
              title: "This environment has the most active keys it may have",
              action:
                "Revoke a key you no longer use, or create this one in the other environment.",
            },
      rotate: {
        title: "This key cannot be rotated any more",
        action:
          "It was already rotated or is no longer active. Refresh, then rotate its replacement.",
      },
    },
  }),
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
    contexts: {
      reveal: {
        title: "The secret is not saved: your keychain is locked",
        action:
          "Unlock your system keychain (login keyring), then press Retry. Copy the secret now too.",
      },
    },
  },
  secret_not_stored: {
    title: "This computer does not hold that key's secret",
    action: "Paste the secret with Add existing key, or rotate the key to get a new one.",
    contexts: {
      browse: {
        title: "This computer does not hold that key's secret",
        action: "Choose another key in Browse with, or create a browsing key.",
      },
      customers: {
        title: "Searching customers needs a stored key",
        action:
          "The search uses a partner-wide key of this environment saved on this computer. Add one with Add existing key, or type the customer's id instead.",
      },
    },
  },
  locked: {
    title: "The app is locked",
    action: "Enter your password to unlock it.",
  },
  keyring_unavailable: {
    title: "No keychain is available",
    action: "Start a secret service such as GNOME Keyring, then try again.",
    contexts: {
      reveal: {
        title: "The secret is not saved: no keychain is available",
        action:
          "Copy the secret now and keep it somewhere safe, or start a secret service and press Retry.",
      },
    },
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
  label: "Label",
  environment: "Environment",
  permission_preset: "Permissions",
  scope: "Scope",
  "scope.user_id": "Customer",
  expires_at: "Expiry",
  secret: "Secret key",
  clipboard_clear_seconds: "Clear a copied secret after",
  idle_lock_minutes: "Lock the app after",
};

/**
 * Why a value typed into a key form is not right yet, shown as the user types (before any
 * request is sent). The server checks the same rules again.
 */
export const INPUT_RULES = {
  labelEmpty: "Give the key a label.",
  labelTooLong: (max: number, count: number) =>
    `Labels are at most ${max} characters; this one has ${count}.`,
  labelControl: "Labels cannot contain tabs, line breaks or other control characters.",
  secretPrefix: "API keys start with pk_live_ or pk_test_.",
  secretLength: (prefix: string, count: number) =>
    `After ${prefix} come 64 characters; this key has ${count}.`,
  secretCase: "The letters of a key are lowercase: a to f.",
  secretHex: (prefix: string) => `Only the digits 0–9 and the letters a–f may follow ${prefix}.`,
  customerId: "Customer ids start with usr_.",
  expiryMissing: "Pick the day the key stops working.",
  expiryPast: "Pick a day from today on.",
} as const;

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
  const wording =
    (context === "sign-in" && entry.signIn) ||
    (context !== "general" && context !== "sign-in" && entry.contexts?.[context]) ||
    entry;
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

/**
 * The create-key wizard's state: the answers of each step, why the current step cannot go on
 * yet, the customer search, and the create call. A server refusal goes back to the step whose
 * answer it is about (a duplicate label to the label step, the key limit to the environment).
 *
 * The new secret is kept in {@link CreateKeyStore.created} only until the reveal step is done
 * ({@link CreateKeyStore.forgetSecret}).
 */
import { ApiError } from "./api";
import type { Api, ApiKey, Created, CreateKeyRequest, Environment, User } from "./api";
import { endOfLocalDay, toTimestamp } from "./format";
import { INPUT_RULES } from "./errors";
import { checkCustomerId, checkLabel } from "./key-input";
import type { PresetId } from "./presets";

export const STEPS = [
  { id: "label", name: "Label" },
  { id: "environment", name: "Environment" },
  { id: "preset", name: "Permissions" },
  { id: "scope", name: "Scope" },
  { id: "review", name: "Review" },
] as const;
export type StepId = (typeof STEPS)[number]["id"];
const LAST = STEPS.length - 1;

/** Never, a number of days from now, or the end of a chosen day. */
export type ExpiryChoice = "never" | "7" | "30" | "90" | "date";
export const EXPIRY_CHOICES: { value: ExpiryChoice; name: string }[] = [
  { value: "never", name: "Never" },
  { value: "7", name: "In 7 days" },
  { value: "30", name: "In 30 days" },
  { value: "90", name: "In 90 days" },
  { value: "date", name: "On a date…" },
];

/** The step an API error is about: by the field it names, else by what it means. */
export function stepOfError(error: ApiError): number {
  const field = error.error.field ?? "";
  if (field === "label") return 0;
  if (field === "environment") return 1;
  if (field === "permission_preset") return 2;
  if (field === "scope" || field.startsWith("scope.")) return 3;
  if (field === "expires_at") return 4;
  // A 409 without a field is the limit of active keys per environment.
  if (error.code === "conflict") return 1;
  return LAST;
}

/** Waits this long after the last keystroke before searching customers. */
export const SEARCH_DEBOUNCE_MS = 250;
const DAY_MS = 86_400_000;

export class CreateKeyStore {
  step = $state(0);
  label = $state("");
  environment = $state<Environment>("test");
  /** "Live keys act on real customers' domains", ticked. */
  liveConfirmed = $state(false);
  /** Least privilege until the admin picks more. */
  preset = $state<PresetId>("read");
  scope = $state<"partner" | "customer">("partner");

  customerQuery = $state("");
  customers = $state.raw<User[]>([]);
  searching = $state(false);
  /** Whether a search has answered for the current environment. */
  searched = $state(false);
  searchError = $state<ApiError | null>(null);
  customer = $state.raw<User | null>(null);
  /** Typing a customer id instead of searching (when the search cannot run). */
  typingId = $state(false);
  customerId = $state("");

  expiry = $state<ExpiryChoice>("never");
  expiryDate = $state("");

  creating = $state(false);
  /** The last refusal; shown on {@link errorStep}. */
  error = $state<ApiError | null>(null);
  /** The new key and its one-time secret, until the reveal step is done. */
  created = $state.raw<Created | null>(null);
  /** The new key (no secret), kept after the reveal step for whoever opened the wizard. */
  newKey = $state.raw<ApiKey | null>(null);

  readonly #api: Api;
  readonly #now: () => number;
  #debounce: ReturnType<typeof setTimeout> | null = null;
  #searchSeq = 0;

  constructor(api: Api, now: () => number = Date.now) {
    this.#api = api;
    this.#now = now;
  }

  get labelCheck() {
    return checkLabel(this.label);
  }

  get errorStep(): number | null {
    return this.error ? stepOfError(this.error) : null;
  }

  /** The field the last refusal names, to mark it. */
  get errorField(): string | null {
    return this.error?.error.field ?? null;
  }

  /** The customer the key will be limited to, or `null` (not chosen yet, or whole partner). */
  get customerChoice(): string | null {
    if (this.typingId) {
      const check = checkCustomerId(this.customerId);
      return check.ok ? check.value : null;
    }
    return this.customer?.id ?? null;
  }

  /** When the key stops working; `undefined` when the chosen day is not valid. */
  expiresAt(): string | null | undefined {
    if (this.expiry === "never") return null;
    if (this.expiry === "date") {
      const end = endOfLocalDay(this.expiryDate);
      return end && end.getTime() > this.#now() ? toTimestamp(end) : undefined;
    }
    return toTimestamp(this.#now() + Number(this.expiry) * DAY_MS);
  }

  /** Why step `index` cannot go on yet (shown beside the disabled button), or `null`. */
  blocked(index: number = this.step): string | null {
    switch (index) {
      case 0: {
        const check = this.labelCheck;
        return check.ok ? null : check.reason;
      }
      case 1:
        return this.environment === "live" && !this.liveConfirmed
          ? "Confirm that this key may act on real customers' domains."
          : null;
      case 3:
        if (this.scope === "partner" || this.customerChoice) return null;
        if (this.typingId) {
          const check = checkCustomerId(this.customerId);
          return (
            (!check.ok && check.reason) || "Type the customer's id, or choose the whole partner."
          );
        }
        return "Pick a customer, or choose the whole partner.";
      case 4:
        if (this.expiry !== "date" || this.expiresAt() !== undefined) return null;
        return this.expiryDate ? INPUT_RULES.expiryPast : INPUT_RULES.expiryMissing;
      default:
        return null;
    }
  }

  next(): void {
    if (this.step < LAST && this.blocked() === null) this.step += 1;
  }

  back(): void {
    if (this.step > 0) this.step -= 1;
  }

  /** Jumps back to an earlier step (the review's "Change" links). */
  goTo(index: number): void {
    if (index >= 0 && index < this.step) this.step = index;
  }

  /** Forgets the refusal once the admin changes something on the step it is shown on. */
  edited(): void {
    if (this.error && this.errorStep === this.step) this.error = null;
  }

  setEnvironment(environment: Environment): void {
    if (environment === this.environment) return;
    this.environment = environment;
    this.liveConfirmed = false;
    // Customers belong to one environment: a pick made for the other one no longer holds.
    this.customer = null;
    this.customers = [];
    this.searched = false;
    this.searchError = null;
    if (this.scope === "customer" && !this.typingId) void this.search(this.customerQuery);
  }

  setScope(scope: "partner" | "customer"): void {
    this.scope = scope;
    if (scope === "customer" && !this.searched && !this.searching && !this.typingId) {
      void this.search(this.customerQuery);
    }
  }

  /** The search box changed: search once typing pauses. */
  setQuery(query: string): void {
    this.customerQuery = query;
    this.#clearDebounce();
    this.#debounce = setTimeout(() => {
      this.#debounce = null;
      void this.search(query);
    }, SEARCH_DEBOUNCE_MS);
  }

  /** Searches now; an answer that arrives after a newer search started is dropped. */
  async search(query: string = this.customerQuery): Promise<void> {
    this.#clearDebounce();
    const seq = ++this.#searchSeq;
    this.searching = true;
    this.searchError = null;
    try {
      const found = await this.#api.searchCustomers(this.environment, query.trim());
      if (seq !== this.#searchSeq) return;
      this.customers = found;
      this.searched = true;
    } catch (thrown) {
      if (seq !== this.#searchSeq) return;
      this.searchError = ApiError.from(thrown);
    } finally {
      if (seq === this.#searchSeq) this.searching = false;
    }
  }

  pick(user: User): void {
    this.customer = user;
  }

  /** Switches between searching and typing an id. */
  setTypingId(typing: boolean): void {
    this.typingId = typing;
    if (!typing && !this.searched && this.scope === "customer") void this.search();
  }

  request(): CreateKeyRequest | null {
    const label = this.labelCheck;
    const expiresAt = this.expiresAt();
    if (!label.ok || expiresAt === undefined) return null;
    return {
      label: label.value,
      environment: this.environment,
      preset: this.preset,
      customer: this.scope === "customer" ? this.customerChoice : null,
      expires_at: expiresAt,
      save: true,
    };
  }

  /**
   * Creates the key. Every step is checked again first (the first one that is not right is
   * shown); a refusal goes back to the step it is about. Returns whether the key was made.
   */
  async create(): Promise<boolean> {
    if (this.creating || this.newKey) return false;
    for (let index = 0; index <= LAST; index += 1) {
      if (this.blocked(index) !== null) {
        this.step = index;
        return false;
      }
    }
    const request = this.request();
    if (!request) return false;
    this.creating = true;
    this.error = null;
    try {
      const created = await this.#api.createKey(request);
      this.created = created;
      this.newKey = created.key;
      return true;
    } catch (thrown) {
      this.error = ApiError.from(thrown);
      this.step = stepOfError(this.error);
      return false;
    } finally {
      this.creating = false;
    }
  }

  /** The reveal step is over: the secret is not kept here any longer. */
  forgetSecret(): void {
    this.created = null;
  }

  /** Stops a pending search (the wizard closed). */
  dispose(): void {
    this.#clearDebounce();
    this.#searchSeq += 1;
  }

  #clearDebounce() {
    if (this.#debounce !== null) clearTimeout(this.#debounce);
    this.#debounce = null;
  }
}

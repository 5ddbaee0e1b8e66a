/**
 * The domains table's columns and the words the Domains screen shows for wire values (statuses,
 * categories, providers, job states, failure reasons). A value this version does not know is
 * still shown, made readable ("some_value" → "Some value").
 */
import type { ForwardingFailureReason, JobStatus, Provider } from "./api";

/** A sortable column of the domains table. */
export type DomainColumn =
  | "domain"
  | "status"
  | "category"
  | "provider"
  | "customer"
  | "usable_for"
  | "forwarding_url"
  | "created_at";

/** The columns in the order the table shows them. */
export const DOMAIN_COLUMNS: readonly DomainColumn[] = [
  "domain",
  "status",
  "category",
  "provider",
  "customer",
  "usable_for",
  "forwarding_url",
  "created_at",
];

/** Each column's header. */
export const COLUMN_LABELS: Record<DomainColumn, string> = {
  domain: "Domain",
  status: "Status",
  category: "Category",
  provider: "Provider",
  customer: "Customer",
  usable_for: "Usable for",
  forwarding_url: "Forwarding URL",
  created_at: "Created",
};

/** A wire value as words: "action_required" → "Action required". */
export function humanize(value: string): string {
  const text = value.replace(/[_-]+/g, " ").trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : value;
}

/** Statuses in the order the overview and filters list them. */
export const STATUS_ORDER = ["active", "available", "in_progress", "action_required", "failed"];
export const CATEGORY_ORDER = ["connected", "inventory"];
export const PROVIDER_ORDER = ["google", "microsoft"];

const STATUS_WORDS: Record<string, string> = {
  active: "Active",
  available: "Available",
  in_progress: "In progress",
  action_required: "Action required",
  failed: "Failed",
};

const CATEGORY_WORDS: Record<string, string> = {
  inventory: "Inventory",
  connected: "Connected",
};

const PROVIDER_WORDS: Record<string, string> = {
  google: "Google",
  microsoft: "Microsoft",
};

const JOB_WORDS: Record<string, string> = {
  in_progress: "In progress",
  completed: "Completed",
  partial_success: "Partly done",
  failed: "Failed",
};

/** Why one domain of a forwarding job failed, in words that fit after "acme.com: ". */
const FAILURE_WORDS: Record<string, string> = {
  not_found: "not found or outside this key's scope",
  not_connected: "not connected to a customer",
  not_active: "not active",
};

export const statusWord = (status: string): string => STATUS_WORDS[status] ?? humanize(status);
export const categoryWord = (category: string): string =>
  CATEGORY_WORDS[category] ?? humanize(category);
export const providerWord = (provider: string): string =>
  PROVIDER_WORDS[provider] ?? humanize(provider);
export const jobStatusWord = (status: JobStatus): string => JOB_WORDS[status] ?? humanize(status);
export const failureWord = (reason: ForwardingFailureReason): string =>
  FAILURE_WORDS[reason] ?? humanize(reason).toLowerCase();

/** Providers as a list of words ("Google, Microsoft"), or "—" when none. */
export function providersText(providers: readonly Provider[] | undefined | null): string {
  return providers && providers.length > 0 ? providers.map(providerWord).join(", ") : "—";
}

/**
 * The values of one count map in display order: the known ones first (in `order`), then any
 * other the server sent, alphabetically.
 */
export function orderedKeys(counts: Record<string, number>, order: readonly string[]): string[] {
  const known = order.filter((value) => value in counts);
  const other = Object.keys(counts)
    .filter((value) => !order.includes(value))
    .sort();
  return [...known, ...other];
}

/**
 * The domains table's view over the loaded rows: instant text search and sorting, done here in
 * plain functions so the store stays small and the benchmark can time them alone. Everything
 * is linear or `n log n` over plain arrays; no per-row allocation beyond one search string.
 */
import type { Domain, DomainStats, UserId } from "./api";
import type { DomainColumn } from "./domain-columns";

export type Sort = { column: DomainColumn; direction: "asc" | "desc" };

/** A customer's email by id (`undefined` when not known). */
export type EmailOf = (id: UserId) => string | undefined;

/**
 * What the text search looks through for one domain, lower-cased: the name, the id, the
 * customer's email, the forwarding URL and the order id.
 */
export function haystack(domain: Domain, emailOf: EmailOf): string {
  const email = domain.user_id ? (emailOf(domain.user_id) ?? "") : "";
  return [domain.domain, domain.id, email, domain.forwarding_url ?? "", domain.order_id ?? ""]
    .join("\n")
    .toLowerCase();
}

/** The rows whose haystack holds every word of `query` (case-insensitive). */
export function search(rows: readonly Domain[], hay: readonly string[], query: string): Domain[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows.slice();
  const out: Domain[] = [];
  for (let i = 0; i < rows.length; i++) {
    const text = hay[i] ?? "";
    if (words.every((word) => text.includes(word))) out.push(rows[i]!);
  }
  return out;
}

/** The text a column sorts by (lower-cased where case should not matter). */
function sortKey(domain: Domain, column: DomainColumn, emailOf: EmailOf): string {
  switch (column) {
    case "domain":
      return domain.domain.toLowerCase();
    case "status":
      return domain.status;
    case "category":
      return domain.category;
    case "provider":
      return domain.provider ?? "";
    case "customer":
      return domain.user_id ? (emailOf(domain.user_id) ?? domain.user_id).toLowerCase() : "";
    case "usable_for":
      return domain.usable_for.join(",");
    case "forwarding_url":
      return (domain.forwarding_url ?? "").toLowerCase();
    case "created_at":
      return domain.created_at;
  }
}

/**
 * `rows` sorted by `sort` (a new array; stable, so equal keys keep the server's order). Empty
 * values go last in both directions. Keys are computed once per row, not per comparison.
 */
export function sortRows(rows: readonly Domain[], sort: Sort | null, emailOf: EmailOf): Domain[] {
  if (!sort) return rows.slice();
  const keyed = rows.map((row, index) => ({ row, index, key: sortKey(row, sort.column, emailOf) }));
  const sign = sort.direction === "asc" ? 1 : -1;
  keyed.sort((a, b) => {
    if (a.key === b.key) return a.index - b.index;
    if (a.key === "") return 1;
    if (b.key === "") return -1;
    return (a.key < b.key ? -1 : 1) * sign;
  });
  return keyed.map((k) => k.row);
}

/** The next sort when a column header is clicked: ascending, then descending, then none. */
export function nextSort(current: Sort | null, column: DomainColumn): Sort | null {
  if (current?.column !== column) return { column, direction: "asc" };
  return current.direction === "asc" ? { column, direction: "desc" } : null;
}

/** Domains per customer among `rows`. */
export function countByCustomer(rows: readonly Domain[]): Map<UserId, number> {
  const counts = new Map<UserId, number>();
  for (const row of rows) {
    if (row.user_id) counts.set(row.user_id, (counts.get(row.user_id) ?? 0) + 1);
  }
  return counts;
}

/** Every status, category and provider the API knows: counted as zero when absent. */
const KNOWN = {
  by_status: ["available", "in_progress", "active", "failed", "action_required"],
  by_category: ["inventory", "connected"],
  by_provider: ["google", "microsoft"],
} as const;

/**
 * Counts like `GET /domains/stats` over `rows` (for servers without that extension): every
 * known value present, providers counted on connected domains only.
 */
export function countStats(rows: readonly Domain[]): DomainStats {
  const zeros = (values: readonly string[]) =>
    Object.fromEntries(values.map((v) => [v, 0])) as Record<string, number>;
  const stats: DomainStats = {
    total: rows.length,
    by_status: zeros(KNOWN.by_status),
    by_category: zeros(KNOWN.by_category),
    by_provider: zeros(KNOWN.by_provider),
  };
  for (const row of rows) {
    stats.by_status[row.status] = (stats.by_status[row.status] ?? 0) + 1;
    stats.by_category[row.category] = (stats.by_category[row.category] ?? 0) + 1;
    if (row.provider) stats.by_provider[row.provider] = (stats.by_provider[row.provider] ?? 0) + 1;
  }
  return stats;
}

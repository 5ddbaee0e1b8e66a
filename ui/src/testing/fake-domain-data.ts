/**
 * The fake portal's data set: customers and domains, generated deterministically from small word
 * lists (no vitest import, so the browser mock can bundle it). Generation is plain arithmetic on
 * a seeded generator and keeps no index of names, so 100,000 domains take about a quarter of a
 * second and ~35 MB, and the same arguments always give the same rows, in the server's order
 * (newest first).
 */
import type { Availability, Domain, DomainStats, Provider, User } from "../lib/api";

/** The fixed "now" of the fake, so screenshots and assertions do not move. */
export const NOW = Date.parse("2026-11-20T10:00:00Z");
const DAY_S = 86_400;
/** Domains are spread over the two years before {@link NOW}. */
const SPAN_S = 730 * DAY_S;

/** RFC 3339 UTC without milliseconds, as the server writes it. */
export const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";

/*
 * The generator builds its 100,000 ids and timestamps from character codes: strings made by
 * concatenation would stay trees of pieces (ropes) and take several times the memory.
 */
const codes = new Array<number>(32);
let isoDay = NaN;
let isoDate: number[] = [];

/** {@link iso} of whole `seconds`, faster, as one flat string. */
function isoSeconds(seconds: number): string {
  const day = Math.floor(seconds / DAY_S);
  if (day !== isoDay) {
    isoDay = day;
    isoDate = Array.from(iso(day * DAY_S * 1000).slice(0, 11), (c) => c.charCodeAt(0));
  }
  let rest = seconds - day * DAY_S;
  codes.length = 20;
  for (let i = 0; i < 11; i += 1) codes[i] = isoDate[i]!;
  for (let at = 17; at >= 11; at -= 3) {
    const part = at === 11 ? rest : rest % 60;
    rest = Math.floor(rest / 60);
    codes[at] = 48 + Math.floor(part / 10);
    codes[at + 1] = 48 + (part % 10);
  }
  codes[13] = codes[16] = 58; // ":"
  codes[19] = 90; // "Z"
  return String.fromCharCode(...codes);
}

/** A small seeded generator (mulberry32): numbers in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from a text and a number (FNV-1a). */
export function seedOf(text: string, seed = 0): number {
  let hash = (2166136261 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 16777619) >>> 0;
  }
  return hash;
}

const CROCKFORD = Array.from("0123456789ABCDEFGHJKMNPQRSTVWXYZ", (c) => c.charCodeAt(0));

/** `prefix` and a ULID: 10 characters of time (ms), then 16 random ones. */
export function ulid(prefix: string, ms: number, next: () => number): string {
  const start = prefix.length;
  codes.length = start + 26;
  for (let i = 0; i < start; i += 1) codes[i] = prefix.charCodeAt(i);
  let t = Math.floor(ms);
  for (let i = start + 9; i >= start; i -= 1) {
    codes[i] = CROCKFORD[t % 32]!;
    t = Math.floor(t / 32);
  }
  // 16 random characters, 6 from each draw of 30 bits.
  for (let i = start + 10; i < start + 26;) {
    let bits = Math.floor(next() * 0x40000000);
    for (let k = 0; k < 6 && i < start + 26; k += 1, i += 1) {
      codes[i] = CROCKFORD[bits & 31]!;
      bits >>>= 5;
    }
  }
  return String.fromCharCode(...codes);
}

const pick = <T>(list: readonly T[], next: () => number): T =>
  list[Math.floor(next() * list.length)]!;

/** Brandable first halves of names (and forwarding sites). */
// prettier-ignore
const BRANDS = [
  "acme", "northwind", "apex", "atlas", "beacon", "birch", "blue", "bold", "bright", "brook",
  "cedar", "clear", "cobalt", "coral", "core", "crest", "delta", "ember", "evergreen", "falcon",
  "fern", "forge", "fox", "granite", "harbor", "hawk", "horizon", "iron", "jade", "juniper",
  "keystone", "lumen", "maple", "meadow", "metro", "nimbus", "nova", "oak", "onyx", "orbit",
  "pine", "pioneer", "prism", "pulse", "quartz", "raven", "redwood", "ridge", "river", "sage",
  "silver", "slate", "solar", "spark", "summit", "swift", "terra", "tide", "timber", "true",
  "union", "urban", "vertex", "vivid", "willow", "zenith", "alder", "aspen", "bay", "canyon",
  "cliff", "comet", "drift", "echo", "fable", "glacier", "grove", "haven", "indigo", "lark",
  "lotus", "mesa", "noble", "opal", "pebble", "quill", "rapid", "sierra", "sterling", "vista",
] as const;
/** Second halves: what cold-email and outreach domains are called. */
// prettier-ignore
const PURPOSES = [
  "mail", "outreach", "send", "inbox", "reach", "leads", "growth", "sales", "team", "hq",
  "labs", "group", "media", "digital", "works", "studio", "partners", "ventures", "connect",
  "direct", "hub", "pro", "mailer", "notify", "letters", "post", "desk", "office", "agency",
  "systems", "go", "get", "try", "hello", "meet", "talk",
] as const;
/** Words before a brand: "getacme.com". */
const PREFIXES = [
  "get",
  "try",
  "go",
  "use",
  "hello",
  "meet",
  "join",
  "with",
  "team",
  "my",
] as const;
/** A brand is paired with the first of these brands: "acme-atlas.com". */
const PAIRED = 30;
/** Top-level domains and how many names in 100 get each, roughly as resellers sell them. */
const TLDS = ["com", "io", "net", "co", "org", "app", "dev", "ai", "email", "biz", "info", "us"];
const TLD_WEIGHTS = [30, 10, 10, 10, 5, 5, 5, 5, 5, 5, 5, 5];
const FORWARD_PATHS = ["", "", "", "welcome", "start", "offers", "contact", "shop"] as const;

const BP = BRANDS.length * PURPOSES.length;
/** How many distinct names (before the TLD) the word lists make. */
const STEMS = 2 * BP + PREFIXES.length * BRANDS.length + BRANDS.length * (PAIRED - 1);

/** The `k`-th name (0 ≤ k < {@link STEMS}): each `k` gives a different one. */
function stem(k: number): string {
  if (k < 2 * BP) {
    const r = k % BP;
    const brand = BRANDS[Math.floor(r / PURPOSES.length)]!;
    const purpose = PURPOSES[r % PURPOSES.length]!;
    return k < BP ? `${brand}-${purpose}` : `${brand}${purpose}`;
  }
  const r = k - 2 * BP;
  const prefixed = PREFIXES.length * BRANDS.length;
  if (r < prefixed)
    return `${PREFIXES[r % PREFIXES.length]}${BRANDS[Math.floor(r / PREFIXES.length)]}`;
  const pair = r - prefixed;
  const brand = Math.floor(pair / (PAIRED - 1));
  let other = pair % (PAIRED - 1);
  if (other >= brand) other += 1; // never "acme-acme"
  return `${BRANDS[brand]}-${BRANDS[other]}`;
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);

/**
 * Unique domain names without remembering them: each TLD walks the stems in its own scrambled
 * order (`(step × n + offset) mod STEMS`, a permutation), then again with a number ("acme-mail2").
 */
function nameMaker(next: () => number): () => string {
  let step = Math.floor(STEMS * 0.618);
  while (gcd(step, STEMS) !== 1) step += 1;
  const offsets = TLDS.map(() => Math.floor(next() * STEMS));
  const used = TLDS.map(() => 0);
  return () => {
    let roll = next() * 100;
    let t = 0;
    while (t < TLDS.length - 1 && roll >= TLD_WEIGHTS[t]!) roll -= TLD_WEIGHTS[t++]!;
    const n = used[t]!;
    used[t] = n + 1;
    const round = Math.floor(n / STEMS);
    const base = stem((step * (n % STEMS) + offsets[t]!) % STEMS);
    return `${base}${round ? round + 1 : ""}.${TLDS[t]}`;
  };
}

/** The fake's first customers, in both environments (the key wizard's tests rely on them). */
export const BASE_CUSTOMERS: readonly User[] = [
  ["usr_01A", "dana@northwind.example", "Dana", "Reyes"],
  ["usr_01B", "li@globex.example", "Li", "Wong"],
  ["usr_01C", "sam@initech.example", "Sam", "Patel"],
  ["usr_01D", "ola@umbrella.example", "Ola", "Berg"],
].map(([id, email, first, last]) => ({
  id: id!,
  email: email!,
  first_name: first!,
  last_name: last!,
  status: "active",
  created_at: "2026-02-11T08:30:00Z",
}));

// prettier-ignore
const FIRST_NAMES = [
  "James", "Mary", "Robert", "Priya", "John", "Jennifer", "Michael", "Linda", "Wei", "Elena",
  "Carlos", "Sofia", "Noah", "Mia", "Liam", "Chloe", "Arjun", "Yuki", "Omar", "Layla", "Kwame",
  "Zara", "Felix", "Lena", "Hugo", "Clara", "Mateo", "Ines", "Luca", "Nora",
] as const;
// prettier-ignore
const LAST_NAMES = [
  "Smith", "Johnson", "Garcia", "Martinez", "Lee", "Nguyen", "Kim", "Patel", "Chen", "Silva",
  "Muller", "Rossi", "Dubois", "Jansen", "Nielsen", "Novak", "Okafor", "Mensah", "Khan", "Tanaka",
  "Murphy", "Walsh", "Cohen", "Santos", "Ivanov", "Larsen", "Hughes", "Evans", "Fraser", "Reid",
] as const;

/**
 * `count` customers of `environment`: the four {@link BASE_CUSTOMERS}, then generated ones
 * (`usr_` + ULID, `first.last@company.example`), newest last.
 */
export function fakeCustomers(environment: string, count = 40, seed = 1): User[] {
  const next = random(seedOf(`customers:${environment}`, seed));
  const users = BASE_CUSTOMERS.slice(0, count).map((user) => ({ ...user }));
  const emails = new Set(users.map((user) => user.email));
  const start = Date.parse("2025-01-06T09:00:00Z");
  for (let i = users.length; i < count; i += 1) {
    const first = pick(FIRST_NAMES, next);
    const last = pick(LAST_NAMES, next);
    let email = `${first}.${last}@${pick(BRANDS, next)}${pick(PURPOSES, next)}.example`;
    email = email.toLowerCase();
    for (let n = 2; emails.has(email); n += 1) email = email.replace(/(\d*)@/, `${n}@`);
    emails.add(email);
    const created = start + Math.floor(((NOW - start) * i) / count) + Math.floor(next() * DAY_S);
    users.push({
      id: ulid("usr_", created, next),
      email,
      first_name: first,
      last_name: last,
      status: "active",
      created_at: iso(created),
    });
  }
  return users;
}

/** An inventory domain's status: mostly for sale. */
function inventoryStatus(roll: number): string {
  if (roll < 0.86) return "available";
  if (roll < 0.94) return "in_progress";
  if (roll < 0.98) return "action_required";
  return "failed";
}

/** A connected domain's status: recent orders are often still being set up. */
function connectedStatus(roll: number, ageSeconds: number): string {
  const inProgress = ageSeconds < 2 * DAY_S ? 0.5 : ageSeconds < 30 * DAY_S ? 0.15 : 0.07;
  if (roll < inProgress) return "in_progress";
  if (roll < inProgress + 0.05) return "action_required";
  if (roll < inProgress + 0.08) return "failed";
  return "active";
}

function usableFor(provider: Provider | null, roll: number): Provider[] {
  if (provider === null) {
    return roll < 0.7 ? ["google", "microsoft"] : roll < 0.88 ? ["google"] : ["microsoft"];
  }
  if (roll < 0.5) return ["google", "microsoft"];
  return [provider];
}

/**
 * `count` domains of `environment`, newest first (`created_at` desc, then `id` desc: the
 * server's order), about 60 % connected to one of `customers` (the first ones own the most).
 */
export function fakeDomains(
  count: number,
  environment: string,
  seed = 1,
  customers: readonly User[] = fakeCustomers(environment),
): Domain[] {
  const next = random(seedOf(`domains:${environment}`, seed));
  const name = nameMaker(next);
  const rows: Domain[] = new Array<Domain>(count);
  const gap = Math.max(0, SPAN_S / Math.max(1, count) - 1);
  // Whole seconds, strictly decreasing: no two rows share a `created_at`.
  let seconds = Math.floor(NOW / 1000) - 600;
  for (let i = 0; i < count; i += 1) {
    if (i > 0) seconds -= 1 + Math.floor(next() * 2 * gap);
    const ms = seconds * 1000;
    const domain = name();
    const id = ulid("dom_", ms, next);
    const created_at = isoSeconds(seconds);
    if (customers.length === 0 || next() >= 0.6) {
      rows[i] = {
        id,
        domain,
        category: "inventory",
        status: inventoryStatus(next()),
        usable_for: usableFor(null, next()),
        created_at,
      };
      continue;
    }
    const provider: Provider = next() < 0.62 ? "google" : "microsoft";
    const status = connectedStatus(next(), Math.floor(NOW / 1000) - seconds);
    const owner = customers[Math.floor(next() * next() * customers.length)]!;
    const forwards = status === "active" && next() < 0.1;
    rows[i] = {
      id,
      domain,
      category: "connected",
      status,
      usable_for: usableFor(provider, next()),
      created_at,
      provider,
      user_id: owner.id,
      order_id: ulid("ord_", ms + 1000, next),
      forwarding_url: forwards
        ? `https://www.${pick(BRANDS, next)}${pick(PURPOSES, next)}.com/${pick(FORWARD_PATHS, next)}`
        : null,
    };
  }
  return rows;
}

const STATUSES = ["available", "in_progress", "active", "failed", "action_required"];
const CATEGORIES = ["inventory", "connected"];
const PROVIDERS = ["google", "microsoft"];

/** Counts by status, category and provider, every known value present (as the server sends). */
export function countDomains(rows: Iterable<Domain>): DomainStats {
  const zeros = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, 0]));
  const stats = {
    total: 0,
    by_status: zeros(STATUSES),
    by_category: zeros(CATEGORIES),
    by_provider: zeros(PROVIDERS),
  };
  for (const row of rows) {
    stats.total += 1;
    stats.by_status[row.status] = (stats.by_status[row.status] ?? 0) + 1;
    stats.by_category[row.category] = (stats.by_category[row.category] ?? 0) + 1;
    if (row.provider) stats.by_provider[row.provider] = (stats.by_provider[row.provider] ?? 0) + 1;
  }
  return stats;
}

/**
 * The availability answer for `name`: no dot → invalid; one of the partner's domains
 * (`taken(lower-cased name)`) → taken; "premium" in it → a premium price; else a standard one.
 */
export function quote(name: string, taken: (domain: string) => boolean): Availability {
  const domain = name.toLowerCase();
  const unavailable = (reason: string): Availability => ({
    domain,
    available: false,
    usable_for: [],
    premium: false,
    reason,
    price_cents: null,
    renewal_price_cents: null,
    currency: null,
  });
  if (!domain.includes(".")) return unavailable("invalid");
  if (taken(domain)) return unavailable("taken");
  const premium = domain.includes("premium");
  return {
    domain,
    available: true,
    usable_for: ["google", "microsoft"],
    premium,
    reason: null,
    price_cents: premium ? 250_000 : 1200,
    renewal_price_cents: 1500,
    currency: "USD",
  };
}

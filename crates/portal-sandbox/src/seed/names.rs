//! Word lists and generators for realistic names: customers, their email domains, and domain
//! names (dictionary words, brandable combinations and invented names, with the TLDs resellers
//! actually sell, weighted roughly as in the wild).
//!
//! Everything writes into a caller-owned `String`, so generating a million names allocates
//! nothing per name. Only integer arithmetic and table look-ups are used, never floating-point
//! library functions, so the output is identical on every platform.

use std::collections::HashSet;

use rand::Rng;
use rand::rngs::StdRng;

/// Customers' first names (ASCII, so they make valid email local parts when lower-cased).
#[rustfmt::skip]
pub(super) const FIRST_NAMES: &[&str] = &[
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark", "Ashley",
    "Steven", "Emily", "Paul", "Michelle", "Andrew", "Amanda", "Joshua", "Melissa", "Kevin",
    "Laura", "Brian", "Rebecca", "George", "Stephanie", "Timothy", "Nicole", "Jason", "Anna",
    "Ryan", "Olivia", "Jacob", "Emma", "Lucas", "Sophie", "Noah", "Mia", "Liam", "Chloe", "Ethan",
    "Grace", "Oliver", "Hannah", "Leo", "Isabel", "Hugo", "Clara", "Mateo", "Lucia", "Diego",
    "Sofia", "Carlos", "Elena", "Javier", "Marta", "Pablo", "Ines", "Luca", "Giulia", "Marco",
    "Chiara", "Felix", "Lena", "Jonas", "Marie", "Lukas", "Julia", "Finn", "Nora", "Arjun", "Priya",
    "Rahul", "Ananya", "Vikram", "Neha", "Wei", "Mei", "Jun", "Yuki", "Hiro", "Sakura", "Min",
    "Jisoo", "Omar", "Layla", "Yusuf", "Amira", "Kwame", "Ama", "Tunde", "Zara", "Samuel",
    "Abigail", "Benjamin", "Ella", "Henry", "Ava", "Jack", "Ruby", "Oscar", "Isla", "Adam", "Eva",
    "Victor", "Alice", "Max", "Nina", "Sam", "Tara", "Alex", "Jordan", "Taylor", "Morgan", "Casey",
    "Riley", "Quinn", "Elliot",
];

/// Customers' last names (ASCII).
#[rustfmt::skip]
pub(super) const LAST_NAMES: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
    "Wagner", "Becker", "Hoffmann", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano",
    "Colombo", "Ricci", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel",
    "Bernard", "Petit", "Jansen", "DeVries", "Bakker", "Visser", "Smit", "Nielsen", "Hansen",
    "Larsen", "Andersen", "Johansson", "Karlsson", "Nilsson", "Novak", "Kowalski", "Nowak",
    "Horvat", "Popescu", "Ivanov", "Petrov", "Silva", "Santos", "Oliveira", "Costa", "Pereira",
    "Almeida", "Fernandes", "Patel", "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Chen",
    "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Tanaka", "Suzuki", "Sato",
    "Takahashi", "Watanabe", "Kim", "Park", "Choi", "Jung", "Khan", "Ali", "Hassan", "Ahmed",
    "Ibrahim", "Mensah", "Okafor", "Adeyemi", "Mwangi", "Cohen", "Levi", "Murphy", "Kelly", "Byrne",
    "Walsh", "Ryan", "Brennan", "Stewart", "Morrison", "Fraser", "Reid", "Hughes", "Evans", "Price",
    "Turner", "Cooper",
];

/// Short words that make brandable domain and company names.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "acme", "apex", "arc", "atlas", "aura", "axis", "beacon", "bean", "bear", "bee", "birch", "bit",
    "blaze", "bloom", "blue", "bold", "bolt", "box", "brave", "breeze", "bridge", "bright", "brook",
    "byte", "calm", "canvas", "cape", "cedar", "chart", "cheer", "city", "clear", "cliff", "cloud",
    "clover", "coast", "cobalt", "code", "comet", "coral", "core", "craft", "crest", "crisp",
    "crown", "cube", "curve", "dash", "dawn", "deep", "delta", "desk", "dew", "dot", "dream",
    "drift", "drop", "dune", "eagle", "earth", "echo", "edge", "elm", "ember", "epic", "ever",
    "falcon", "fern", "field", "fig", "fire", "first", "flag", "flash", "fleet", "flint", "flow",
    "fly", "focus", "forge", "fox", "fresh", "frost", "fuel", "gem", "giant", "glow", "gold",
    "grain", "graph", "green", "grid", "grove", "harbor", "hawk", "haven", "heart", "hello", "hero",
    "hill", "hive", "home", "honey", "hop", "horizon", "idea", "ink", "iron", "island", "ivy",
    "jade", "jet", "joy", "jump", "keen", "key", "kind", "kite", "lake", "lamp", "land", "lark",
    "leaf", "leap", "level", "light", "lime", "line", "link", "lion", "loop", "lotus", "lucky",
    "lumen", "lunar", "maple", "march", "market", "marble", "meadow", "mesa", "metro", "mint",
    "mode", "moon", "moss", "motion", "mountain", "nest", "net", "nimble", "noble", "north", "nova",
    "oak", "oasis", "ocean", "olive", "omni", "open", "orbit", "orchid", "otter", "owl", "pace",
    "palm", "panda", "path", "peak", "pearl", "pebble", "pepper", "pilot", "pine", "pixel", "plain",
    "planet", "plum", "point", "polar", "pond", "prime", "prism", "pulse", "pure", "quest", "quick",
    "quill", "rain", "rapid", "raven", "ready", "reef", "ridge", "ripple", "river", "road", "robin",
    "rock", "rocket", "root", "rose", "round", "ruby", "sage", "sail", "salt", "sand", "scout",
    "sea", "seed", "shift", "shore", "signal", "silk", "silver", "sky", "slate", "smart", "snow",
    "solar", "solid", "sound", "south", "spark", "sphere", "spice", "spring", "spruce", "square",
    "star", "steady", "stone", "storm", "stream", "summit", "sun", "swift", "tango", "terra",
    "thread", "tide", "tiger", "timber", "true", "tulip", "union", "unity", "urban", "valley",
    "vast", "velvet", "vertex", "vista", "vivid", "wave", "west", "whale", "wild", "willow", "wind",
    "wing", "wise", "wolf", "wonder", "wood", "yard", "zen", "zephyr", "zest", "zone",
];

/// Words put before another word (`getbloom`).
#[rustfmt::skip]
const PREFIXES: &[&str] = &[
    "get", "try", "use", "my", "go", "hey", "the", "join", "meet", "hello", "ask", "on", "we", "be",
    "its", "all",
];

/// Words put after another word (`bloomhq`).
#[rustfmt::skip]
const SUFFIXES: &[&str] = &[
    "hq", "labs", "ly", "ify", "hub", "base", "stack", "works", "studio", "group", "now", "wise",
    "kit", "lab", "flow", "app", "cloud", "desk", "mail", "pay", "box", "ai", "x", "co", "direct",
    "online", "digital", "media", "systems", "partners",
];

/// Syllable parts of invented names (`velora`, `quaix`).
#[rustfmt::skip]
const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "tr",
    "st", "pr", "qu", "fl", "gr", "sk",
];
#[rustfmt::skip]
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "a", "e", "i", "o", "ia", "eo", "ou",
];
const CODAS: &[&str] = &["", "", "", "", "n", "r", "x", "s", "l", "m", "t"];

/// Top-level domains and their weights (out of 1000): `.com` dominates as it does in the wild.
const TLDS: &[(&str, u32)] = &[
    ("com", 440),
    ("io", 130),
    ("co", 100),
    ("net", 80),
    ("app", 70),
    ("ai", 70),
    ("org", 60),
    ("dev", 50),
];

/// Role mailboxes of customers registered without a person's name.
#[rustfmt::skip]
pub(super) const ROLE_MAILBOXES: &[&str] = &[
    "admin", "it", "ops", "domains", "hello", "office", "tech", "info", "web", "accounts",
];

/// A uniformly chosen element of a non-empty list.
pub(super) fn pick<T: Copy>(rng: &mut StdRng, list: &[T]) -> T {
    list[rng.random_range(0..list.len())]
}

fn tld(rng: &mut StdRng) -> &'static str {
    let mut roll = rng.random_range(0..1000u32);
    for &(tld, weight) in TLDS {
        if roll < weight {
            return tld;
        }
        roll -= weight;
    }
    "com"
}

/// Appends an invented, pronounceable word of two or three syllables.
fn invented(rng: &mut StdRng, out: &mut String) {
    let syllables = if rng.random_range(0..100u32) < 65 {
        2
    } else {
        3
    };
    for _ in 0..syllables {
        out.push_str(pick(rng, ONSETS));
        out.push_str(pick(rng, VOWELS));
    }
    out.push_str(pick(rng, CODAS));
}

/// Appends a domain label (the part before the TLD): dictionary combinations mostly, invented
/// names for the rest.
pub(super) fn label(rng: &mut StdRng, out: &mut String) {
    match rng.random_range(0..100u32) {
        0..=33 => {
            out.push_str(pick(rng, WORDS));
            out.push_str(pick(rng, WORDS));
        }
        34..=41 => {
            out.push_str(pick(rng, WORDS));
            out.push('-');
            out.push_str(pick(rng, WORDS));
        }
        42..=53 => {
            out.push_str(pick(rng, PREFIXES));
            out.push_str(pick(rng, WORDS));
        }
        54..=69 => {
            out.push_str(pick(rng, WORDS));
            out.push_str(pick(rng, SUFFIXES));
        }
        70..=71 => out.push_str(pick(rng, WORDS)),
        72..=79 => {
            invented(rng, out);
            out.push_str(pick(rng, SUFFIXES));
        }
        _ => invented(rng, out),
    }
}

/// Writes a random domain name (`label.tld`) into `out`, replacing its contents. `attempt`
/// counts the names already rejected as taken; after a few, a number is appended so that the
/// search always ends however crowded the name space gets.
pub(super) fn domain(rng: &mut StdRng, attempt: u32, out: &mut String) {
    out.clear();
    label(rng, out);
    if attempt >= 8 {
        push_number(out, rng.random_range(2..10_000u32));
    }
    out.push('.');
    out.push_str(tld(rng));
}

/// Appends a customer's company domain (where their mailbox lives), `.com` mostly.
pub(super) fn company_domain(rng: &mut StdRng, out: &mut String) {
    if rng.random_bool(0.7) {
        out.push_str(pick(rng, WORDS));
        out.push_str(pick(rng, WORDS));
    } else {
        invented(rng, out);
    }
    out.push_str(match rng.random_range(0..10u32) {
        0..=5 => ".com",
        6 => ".io",
        7 => ".co",
        8 => ".net",
        _ => ".org",
    });
}

/// Appends `name` lower-cased.
pub(super) fn push_lower(out: &mut String, name: &str) {
    out.extend(name.chars().map(|c| c.to_ascii_lowercase()));
}

/// Appends a decimal number.
pub(super) fn push_number(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
}

/// The names given out so far in one environment, to keep them unique. Stores a 64-bit FNV-1a
/// digest per name instead of the name: equal names always collide, and a false collision (odds
/// about 3 in 10^8 at a million names) only makes the caller draw another name.
#[derive(Debug, Default)]
pub(super) struct Taken(HashSet<u64>);

impl Taken {
    /// Room for `n` names.
    pub(super) fn with_capacity(n: usize) -> Self {
        Self(HashSet::with_capacity(n))
    }

    /// Records `name` (compared ignoring ASCII case); false when it was already taken.
    pub(super) fn insert(&mut self, name: &str) -> bool {
        let digest = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte.to_ascii_lowercase())).wrapping_mul(0x0000_0100_0000_01b3)
        });
        self.0.insert(digest)
    }
}

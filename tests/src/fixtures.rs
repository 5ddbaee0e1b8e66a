//! The JSON fixtures written from API.md (`tests/fixtures/api/`), and a shape comparison.

use serde_json::Value;

/// Reads `tests/fixtures/api/<name>.json`.
pub fn api(name: &str) -> Value {
    let path = format!("{}/fixtures/api/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Whether `actual` has the same shape as `expected`: the same object keys at every level and
/// the same JSON type for every value (the values themselves may differ).
pub fn same_shape(expected: &Value, actual: &Value) -> Result<(), String> {
    shape_at("$", expected, actual)
}

fn shape_at(path: &str, expected: &Value, actual: &Value) -> Result<(), String> {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let mut ek: Vec<_> = e.keys().collect();
            let mut ak: Vec<_> = a.keys().collect();
            ek.sort();
            ak.sort();
            if ek != ak {
                return Err(format!("{path}: keys {ak:?}, expected {ek:?}"));
            }
            e.iter()
                .try_for_each(|(k, v)| shape_at(&format!("{path}.{k}"), v, &a[k]))
        }
        (Value::Array(e), Value::Array(a)) => match (e.first(), a.first()) {
            (Some(e0), Some(_)) => a
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| shape_at(&format!("{path}[{i}]"), e0, v)),
            _ => Ok(()),
        },
        (e, a) if std::mem::discriminant(e) == std::mem::discriminant(a) => Ok(()),
        (e, a) => Err(format!(
            "{path}: {a} has another type than the fixture's {e}"
        )),
    }
}

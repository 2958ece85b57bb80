//! Matchers: which targets an alert configuration applies to (`fieldName`, `operator`,
//! `value`), checked when a configuration is saved and evaluated against what an
//! observation says about its target.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::RegexBuilder;
use serde_json::{Value, json};

/// How a matcher compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// The whole value is equal.
    Equals,
    /// The value is not equal.
    NotEquals,
    /// The value contains the text.
    Contains,
    /// The value does not contain the text.
    NotContains,
    /// The value starts with the text.
    StartsWith,
    /// The value ends with the text.
    EndsWith,
    /// The whole value matches the regular expression.
    Regex,
}

const OPERATORS: [(&str, Operator); 7] = [
    ("EQUALS", Operator::Equals),
    ("CONTAINS", Operator::Contains),
    ("STARTS_WITH", Operator::StartsWith),
    ("ENDS_WITH", Operator::EndsWith),
    ("NOT_EQUALS", Operator::NotEquals),
    ("NOT_CONTAINS", Operator::NotContains),
    ("REGEX", Operator::Regex),
];

impl Operator {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        OPERATORS.iter().find(|(_, operator)| *operator == self).map(|(name, _)| *name).unwrap_or("EQUALS")
    }

    fn parse(text: &str) -> Option<Operator> {
        OPERATORS.iter().find(|(name, _)| *name == text).map(|(_, operator)| *operator)
    }
}

/// Largest compiled regular expression a matcher may hold, so a pattern cannot make
/// matching costly.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// One matcher of a configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    /// The target's field compared (`HOSTNAME_AND_PORT`, `CLUSTER_NAME`, …).
    pub field_name: String,
    /// How.
    pub operator: Operator,
    /// With what.
    pub value: String,
}

impl Matcher {
    /// A matcher from its wire form; `allowed` lists the field names its configuration's kind
    /// accepts (empty: any).
    pub fn parse(body: &Value, allowed: &[&str]) -> Result<Matcher, String> {
        let object = body.as_object().ok_or("each matcher must be an object")?;
        let text = |name: &str| -> Result<String, String> {
            match object.get(name) {
                Some(Value::String(text)) if !text.is_empty() => Ok(text.clone()),
                Some(Value::String(_)) | None | Some(Value::Null) => {
                    Err(format!("matchers.{name} is required"))
                }
                Some(_) => Err(format!("matchers.{name} must be a string")),
            }
        };
        let field_name = text("fieldName")?;
        if !allowed.is_empty() && !allowed.contains(&field_name.as_str()) {
            return Err(format!("matchers.fieldName {field_name} is not one of {}", allowed.join(", ")));
        }
        let operator = text("operator")?;
        let operator = Operator::parse(&operator).ok_or_else(|| {
            let names: Vec<_> = OPERATORS.iter().map(|(name, _)| *name).collect();
            format!("matchers.operator {operator} is not one of {}", names.join(", "))
        })?;
        let value = text("value")?;
        if operator == Operator::Regex {
            compile(&value).map_err(|e| format!("matchers.value is not a valid regular expression: {e}"))?;
        }
        if let Some(unknown) =
            object.keys().find(|key| !matches!(key.as_str(), "fieldName" | "operator" | "value"))
        {
            return Err(format!("matchers.{unknown} is not a matcher attribute"));
        }
        Ok(Matcher { field_name, operator, value })
    }

    /// The wire form.
    pub fn to_wire(&self) -> Value {
        json!({"fieldName": self.field_name, "operator": self.operator.as_str(), "value": self.value})
    }

    /// Whether the target's value of the field (`""` when the target has none) passes.
    pub fn accepts(&self, target: &str) -> bool {
        let expected = self.value.as_str();
        match self.operator {
            Operator::Equals => target == expected,
            Operator::NotEquals => target != expected,
            Operator::Contains => target.contains(expected),
            Operator::NotContains => !target.contains(expected),
            Operator::StartsWith => target.starts_with(expected),
            Operator::EndsWith => target.ends_with(expected),
            Operator::Regex => compile(expected).is_ok_and(|regex| regex.is_match(target)),
        }
    }
}

/// Patterns compiled so far, by their text: a configuration is read (and its matchers
/// checked) on every raise, and compiling a heavy pattern each time cost tens of
/// milliseconds. A compiled regex is shared cheaply; at [`COMPILED_MOST`] the memory starts
/// over.
static COMPILED: LazyLock<Mutex<HashMap<String, regex::Regex>>> = LazyLock::new(Default::default);

/// The most patterns kept compiled (each at most [`REGEX_SIZE_LIMIT`]).
const COMPILED_MOST: usize = 4_096;

/// The pattern anchored at both ends (the whole value must match), compiled once.
fn compile(pattern: &str) -> Result<regex::Regex, regex::Error> {
    if let Some(compiled) = COMPILED.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return Ok(compiled.clone());
    }
    let compiled = RegexBuilder::new(&format!("^(?:{pattern})$")).size_limit(REGEX_SIZE_LIMIT).build()?;
    let mut kept = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    if kept.len() >= COMPILED_MOST {
        kept.clear();
    }
    kept.insert(pattern.to_owned(), compiled.clone());
    Ok(compiled)
}

/// The matchers' wire form.
pub fn matchers_to_wire(matchers: &[Matcher]) -> Value {
    Value::Array(matchers.iter().map(Matcher::to_wire).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(operator: &str, value: &str) -> Matcher {
        Matcher::parse(&json!({"fieldName": "HOSTNAME_AND_PORT", "operator": operator, "value": value}), &[])
            .unwrap()
    }

    #[test]
    fn every_operator_compares_as_named() {
        let host = "cluster0-shard-00-00.mongodb.net:27017";
        assert!(matcher("EQUALS", host).accepts(host));
        assert!(!matcher("NOT_EQUALS", host).accepts(host));
        assert!(matcher("CONTAINS", "shard-00").accepts(host));
        assert!(matcher("NOT_CONTAINS", "shard-01").accepts(host));
        assert!(matcher("STARTS_WITH", "cluster0").accepts(host));
        assert!(matcher("ENDS_WITH", ":27017").accepts(host));
        assert!(matcher("REGEX", r"cluster\d-shard-.*").accepts(host));
        assert!(!matcher("REGEX", "shard").accepts(host), "a pattern must match the whole value");
    }

    #[test]
    fn a_pattern_is_compiled_once_and_answers_the_same_from_memory() {
        let pattern = r"(?:\w{5})|a+-compiled-once";
        let first = compile(pattern).unwrap();
        assert!(COMPILED.lock().unwrap().contains_key(pattern));
        let again = compile(pattern).unwrap();
        assert_eq!(first.as_str(), again.as_str());
        assert!(again.is_match("abcde") && !again.is_match("abcdef"), "still anchored");
        assert!(compile("(").is_err() && !COMPILED.lock().unwrap().contains_key("("), "errors are not kept");
    }

    #[test]
    fn bad_matchers_are_refused_with_the_reason() {
        let parse = |body: Value| Matcher::parse(&body, &["CLUSTER_NAME"]).unwrap_err();
        assert!(
            parse(json!({"fieldName": "HOSTNAME", "operator": "EQUALS", "value": "x"}))
                .contains("not one of")
        );
        assert!(
            parse(json!({"fieldName": "CLUSTER_NAME", "operator": "LIKE", "value": "x"}))
                .contains("operator")
        );
        assert!(
            parse(json!({"fieldName": "CLUSTER_NAME", "operator": "REGEX", "value": "("}))
                .contains("regular")
        );
        assert!(
            parse(json!({"fieldName": "CLUSTER_NAME", "operator": "EQUALS"})).contains("value is required")
        );
        assert!(
            parse(json!({"fieldName": "CLUSTER_NAME", "operator": "EQUALS", "value": "x", "x": 1}))
                .contains("x")
        );
    }
}

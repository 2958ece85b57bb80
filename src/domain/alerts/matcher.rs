//! Matchers: which targets an alert configuration applies to (`fieldName`, `operator`,
//! `value`), checked when a configuration is saved and evaluated against what an
//! observation says about its target.

use regex_automata::meta::Regex;
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

/// Largest automaton one pattern may compile to, so a pattern cannot make matching costly.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// The most memory a configuration's compiled patterns may take together: one Unicode-heavy
/// pattern (`\w{5}` is about 280 KiB) or dozens of ordinary ones, so what a project keeps
/// in memory, and what a raise checks, stays small.
pub const COMPILED_BUDGET: usize = 1024 * 1024;

/// One matcher of a configuration; a `REGEX` one carries its pattern compiled, once, when
/// the matcher is read.
#[derive(Clone, Debug)]
pub struct Matcher {
    /// The target's field compared (`HOSTNAME_AND_PORT`, `CLUSTER_NAME`, …).
    pub field_name: String,
    /// How.
    pub operator: Operator,
    /// With what.
    pub value: String,
    compiled: Option<Regex>,
}

impl PartialEq for Matcher {
    fn eq(&self, other: &Matcher) -> bool {
        (&self.field_name, self.operator, &self.value) == (&other.field_name, other.operator, &other.value)
    }
}

impl Eq for Matcher {}

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
        let compiled = match operator {
            Operator::Regex => Some(
                compile(&value)
                    .map_err(|e| format!("matchers.value is not a usable regular expression: {e}"))?,
            ),
            _ => None,
        };
        if let Some(unknown) =
            object.keys().find(|key| !matches!(key.as_str(), "fieldName" | "operator" | "value"))
        {
            return Err(format!("matchers.{unknown} is not a matcher attribute"));
        }
        Ok(Matcher { field_name, operator, value, compiled })
    }

    /// The memory its compiled pattern takes (0 for the other operators).
    pub fn compiled_size(&self) -> usize {
        self.compiled.as_ref().map_or(0, Regex::memory_usage)
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
            Operator::Regex => self.compiled.as_ref().is_some_and(|regex| regex.is_match(target)),
        }
    }
}

/// The pattern anchored at both ends (the whole value must match), within
/// [`REGEX_SIZE_LIMIT`]; or what is wrong with it.
fn compile(pattern: &str) -> Result<Regex, String> {
    let config = Regex::config().nfa_size_limit(Some(REGEX_SIZE_LIMIT));
    Regex::builder().configure(config).build(&format!("^(?:{pattern})$")).map_err(|error| {
        match (error.size_limit(), error.syntax_error()) {
            (Some(limit), _) => format!(
                "it compiles too large (more than {} KiB); Unicode classes such as \\w are the \
                 usual cause: [A-Za-z0-9_] is far smaller",
                limit / 1024
            ),
            (None, Some(syntax)) => syntax.to_string(),
            (None, None) => error.to_string(),
        }
    })
}

/// Refuses matchers whose patterns together compile larger than [`COMPILED_BUDGET`].
pub fn check_compiled_budget(matchers: &[Matcher]) -> Result<(), String> {
    let total: usize = matchers.iter().map(Matcher::compiled_size).sum();
    if total <= COMPILED_BUDGET {
        return Ok(());
    }
    Err(format!(
        "matchers' regular expressions compile to {} KiB together, more than the {} KiB a \
         configuration may hold; simplify them (\\w and \\d match every Unicode letter and digit: \
         [A-Za-z0-9_] and [0-9] are far smaller)",
        total.div_ceil(1024),
        COMPILED_BUDGET / 1024
    ))
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
    fn a_pattern_is_compiled_when_read_and_stays_anchored() {
        let heavy = matcher("REGEX", r"(?:\w{5})|a+");
        assert!(heavy.compiled_size() > 100 * 1024, "{}", heavy.compiled_size());
        assert!(heavy.accepts("abcde") && heavy.accepts("aaaaaaa") && !heavy.accepts("abcdef"));
        assert_eq!(matcher("EQUALS", "x").compiled_size(), 0);
    }

    #[test]
    fn matchers_over_the_budget_together_are_refused_with_advice() {
        let heavy = || matcher("REGEX", r"(?:\w{5})|a+");
        let light = || matcher("REGEX", r"cluster[0-9]-shard-.*");
        assert!(check_compiled_budget(&[heavy(), light(), light()]).is_ok());
        let refused = check_compiled_budget(&[heavy(), heavy(), heavy(), heavy()]).unwrap_err();
        assert!(refused.contains("KiB") && refused.contains("[A-Za-z0-9_]"), "{refused}");
        assert!(check_compiled_budget(&vec![light(); 25]).is_ok(), "25 ordinary patterns fit");
    }

    #[test]
    fn a_pattern_too_large_alone_is_refused() {
        let refused =
            Matcher::parse(&json!({"fieldName": "X", "operator": "REGEX", "value": r"\w{50}"}), &[])
                .unwrap_err();
        assert!(refused.contains("too large"), "{refused}");
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

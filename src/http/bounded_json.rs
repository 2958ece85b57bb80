//! JSON bodies parsed under a budget of work, not only of bytes: an object may have at most
//! [`MAX_MEMBERS`] members (no integration type has a tenth of that many fields), a body at
//! most [`MAX_VALUES`] values, nested at most [`MAX_DEPTH`] deep. Parsing stops at the first
//! value over the budget, so a megabyte of keys costs what a normal body does.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Members one object may have.
pub const MAX_MEMBERS: usize = 64;
/// Values (of any kind, members' keys not counted) one body may hold.
pub const MAX_VALUES: usize = 4096;
/// How deep arrays and objects may nest.
pub const MAX_DEPTH: usize = 32;

/// Parses `bytes` as one JSON value within the budget.
pub fn parse(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    let budget = Cell::new(MAX_VALUES);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = Bounded { budget: &budget, depth: 0 }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

#[derive(Clone, Copy)]
struct Bounded<'a> {
    budget: &'a Cell<usize>,
    depth: usize,
}

impl Bounded<'_> {
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.budget.get() {
            0 => Err(E::custom(format_args!("the body holds more than {MAX_VALUES} values"))),
            left => {
                self.budget.set(left - 1);
                Ok(())
            }
        }
    }

    fn nested<E: de::Error>(self) -> Result<Self, E> {
        self.spend()?;
        match self.depth >= MAX_DEPTH {
            true => Err(E::custom(format_args!("the body nests deeper than {MAX_DEPTH} levels"))),
            false => Ok(Bounded { budget: self.budget, depth: self.depth + 1 }),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        self.spend().map(|()| Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        self.spend().map(|()| Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        self.spend().map(|()| Value::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        self.spend().map(|()| Value::from(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        self.spend().map(|()| Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        self.spend().map(|()| Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend().map(|()| Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut array = Vec::new();
        while let Some(item) = items.next_element_seed(inner)? {
            array.push(item);
        }
        Ok(Value::Array(array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Value, A::Error> {
        let inner = self.nested()?;
        let mut object = Map::new();
        let mut count = 0;
        while let Some(key) = members.next_key::<String>()? {
            count += 1;
            if count > MAX_MEMBERS {
                return Err(de::Error::custom(format_args!("an object has more than {MAX_MEMBERS} members")));
            }
            let value = members.next_value_seed(inner)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ordinary_bodies_parse_as_serde_json_parses_them() {
        let text = r#"{"type":"WEBHOOK","url":"https://x.example/h","secret":null,"n":-1.5,"big":18446744073709551615,"list":[true,{"a":[]}]}"#;
        assert_eq!(parse(text.as_bytes()).unwrap(), serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(parse(b" 7 ").unwrap(), json!(7));
    }

    #[test]
    fn an_object_with_too_many_members_is_refused_at_the_first_member_over() {
        let members: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\":1")).collect();
        let body = format!("{{{}}}", members.join(","));
        let error = parse(body.as_bytes()).unwrap_err().to_string();
        assert!(error.contains("more than 64 members"), "{error}");
        let column: usize = error.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(column < 600, "stopped at the 65th member, not at the end: {error}");
        let just_enough: Vec<String> = (0..MAX_MEMBERS).map(|i| format!("\"k{i}\":1")).collect();
        assert!(parse(format!("{{{}}}", just_enough.join(",")).as_bytes()).is_ok());
    }

    #[test]
    fn too_many_values_or_too_deep_a_nesting_is_refused() {
        let many = format!("[{}]", vec!["0"; MAX_VALUES + 1].join(","));
        assert!(parse(many.as_bytes()).unwrap_err().to_string().contains("more than 4096 values"));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(parse(deep.as_bytes()).unwrap_err().to_string().contains("deeper than 32"));
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(fine.as_bytes()).is_ok());
    }

    #[test]
    fn trailing_text_is_still_an_error() {
        assert!(parse(b"{} {}").is_err());
    }
}

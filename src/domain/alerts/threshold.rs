//! Thresholds: `metricThreshold` (a metric, compared as an average, for the metric event
//! types) and `threshold` (a plain limit, for the threshold event types), checked when saved
//! and evaluated against an observed value, converting between units of one kind.

use serde_json::{Map, Value, json};

use super::family::{Family, Units};

/// How a value is compared with the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// Alert when the value is above the threshold.
    GreaterThan,
    /// Alert when the value is below it.
    LessThan,
}

impl Comparison {
    fn parse(value: Option<&Value>, field: &str) -> Result<Comparison, String> {
        match value.and_then(Value::as_str) {
            None if value.is_none_or(Value::is_null) => Ok(Comparison::GreaterThan),
            Some("GREATER_THAN") => Ok(Comparison::GreaterThan),
            Some("LESS_THAN") => Ok(Comparison::LessThan),
            _ => Err(format!("{field}.operator must be GREATER_THAN or LESS_THAN")),
        }
    }

    /// The wire name (`GREATER_THAN`, `LESS_THAN`).
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::GreaterThan => "GREATER_THAN",
            Comparison::LessThan => "LESS_THAN",
        }
    }

    /// As people read it: `above`, `below`.
    pub fn words(self) -> &'static str {
        match self {
            Comparison::GreaterThan => "above",
            Comparison::LessThan => "below",
        }
    }

    fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThan => value > threshold,
            Comparison::LessThan => value < threshold,
        }
    }
}

/// A threshold on a number in some units.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit {
    /// The metric compared (`metricThreshold` only).
    pub metric_name: Option<String>,
    /// How.
    pub operator: Comparison,
    /// With what.
    pub threshold: f64,
    /// In which units (`RAW` for plain numbers).
    pub units: Option<String>,
}

impl Limit {
    /// A `metricThreshold` of a configuration of `family`.
    pub fn parse_metric(body: &Value, family: &Family) -> Result<Limit, String> {
        let object = body.as_object().ok_or("metricThreshold must be an object")?;
        let metric_name = match object.get("metricName") {
            Some(Value::String(name)) if !name.is_empty() => name.clone(),
            _ => return Err("metricThreshold.metricName is required".into()),
        };
        let kind = match family.metrics {
            [] => None,
            metrics => Some(
                metrics.iter().find(|(name, _)| *name == metric_name).map(|(_, units)| *units).ok_or_else(
                    || format!("metricThreshold.metricName {metric_name} is not a metric of this event type"),
                )?,
            ),
        };
        if let Some(mode) = object.get("mode").filter(|mode| !mode.is_null())
            && mode.as_str() != Some("AVERAGE")
        {
            return Err("metricThreshold.mode must be AVERAGE".into());
        }
        let units = parse_units(object, "metricThreshold", kind)?;
        Ok(Limit {
            metric_name: Some(metric_name),
            operator: Comparison::parse(object.get("operator"), "metricThreshold")?,
            threshold: parse_number(object, "metricThreshold")?,
            units,
        })
    }

    /// A plain `threshold`.
    pub fn parse_plain(body: &Value) -> Result<Limit, String> {
        let object = body.as_object().ok_or("threshold must be an object")?;
        Ok(Limit {
            metric_name: None,
            operator: Comparison::parse(object.get("operator"), "threshold")?,
            threshold: parse_number(object, "threshold")?,
            units: parse_units(object, "threshold", None)?,
        })
    }

    /// The wire form.
    pub fn to_wire(&self) -> Value {
        let mut object = Map::new();
        if let Some(name) = &self.metric_name {
            object.insert("metricName".into(), json!(name));
            object.insert("mode".into(), json!("AVERAGE"));
        }
        object.insert("operator".into(), json!(self.operator.as_str()));
        object.insert("threshold".into(), number(self.threshold));
        if let Some(units) = &self.units {
            object.insert("units".into(), json!(units));
        }
        Value::Object(object)
    }

    /// Whether `value` in `units` crosses this limit; `false` when the units cannot be
    /// compared with the limit's.
    pub fn is_crossed_by(&self, value: f64, units: Option<&str>) -> bool {
        let scale = |name: Option<&str>| name.map_or(Some((Dimension::Plain, 1.0)), scale_of);
        match (scale(units), scale(self.units.as_deref())) {
            (Some((given, a)), Some((wanted, b))) if given == wanted => {
                self.operator.holds(value * a, self.threshold * b)
            }
            _ => false,
        }
    }
}

/// A JSON number, integral when it is one (so `80` reads back as `80`, not `80.0`).
pub fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 { json!(value as i64) } else { json!(value) }
}

fn parse_number(object: &Map<String, Value>, field: &str) -> Result<f64, String> {
    match object.get("threshold") {
        Some(Value::Number(n)) => n.as_f64().ok_or_else(|| format!("{field}.threshold must be a number")),
        None | Some(Value::Null) => Err(format!("{field}.threshold is required")),
        Some(_) => Err(format!("{field}.threshold must be a number")),
    }
}

fn parse_units(
    object: &Map<String, Value>,
    field: &str,
    kind: Option<Units>,
) -> Result<Option<String>, String> {
    let given = match object.get("units") {
        None | Some(Value::Null) => return Ok(kind.map(|kind| kind.names()[0].to_owned())),
        Some(Value::String(units)) => units,
        Some(_) => return Err(format!("{field}.units must be a string")),
    };
    let known = match kind {
        Some(kind) => kind.names().contains(&given.as_str()),
        None => scale_of(given).is_some(),
    };
    match known {
        true => Ok(Some(given.clone())),
        false => Err(format!("{field}.units {given} is not a unit of this threshold")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dimension {
    Plain,
    Time,
    Data,
    Reads,
    Writes,
}

/// What a unit is a unit of, and its size in that dimension's base unit.
fn scale_of(units: &str) -> Option<(Dimension, f64)> {
    const KI: f64 = 1024.0;
    Some(match units {
        "RAW" | "COUNT" => (Dimension::Plain, 1.0),
        "THOUSAND" => (Dimension::Plain, 1e3),
        "MILLION" => (Dimension::Plain, 1e6),
        "BILLION" => (Dimension::Plain, 1e9),
        "NANOSECONDS" => (Dimension::Time, 1e-9),
        "MILLISECONDS" => (Dimension::Time, 1e-3),
        "SECONDS" => (Dimension::Time, 1.0),
        "MINUTES" => (Dimension::Time, 60.0),
        "HOURS" => (Dimension::Time, 3600.0),
        "DAYS" => (Dimension::Time, 86400.0),
        "MILLION_MINUTES" => (Dimension::Time, 6e7),
        "BITS" => (Dimension::Data, 1.0 / 8.0),
        "KILOBITS" => (Dimension::Data, KI / 8.0),
        "MEGABITS" => (Dimension::Data, KI * KI / 8.0),
        "GIGABITS" => (Dimension::Data, KI * KI * KI / 8.0),
        "BYTES" => (Dimension::Data, 1.0),
        "KILOBYTES" => (Dimension::Data, KI),
        "MEGABYTES" => (Dimension::Data, KI * KI),
        "GIGABYTES" => (Dimension::Data, KI * KI * KI),
        "TERABYTES" => (Dimension::Data, KI * KI * KI * KI),
        "PETABYTES" => (Dimension::Data, KI * KI * KI * KI * KI),
        "RPU" => (Dimension::Reads, 1.0),
        "THOUSAND_RPU" => (Dimension::Reads, 1e3),
        "MILLION_RPU" => (Dimension::Reads, 1e6),
        "WPU" => (Dimension::Writes, 1.0),
        "THOUSAND_WPU" => (Dimension::Writes, 1e3),
        "MILLION_WPU" => (Dimension::Writes, 1e6),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::catalog::family_of;

    fn host_metric(body: Value) -> Result<Limit, String> {
        Limit::parse_metric(&body, family_of("OUTSIDE_METRIC_THRESHOLD").unwrap())
    }

    #[test]
    fn a_metric_threshold_takes_its_metrics_units_and_reads_back_whole() {
        let limit =
            host_metric(json!({"metricName": "CONNECTIONS", "operator": "GREATER_THAN", "threshold": 80}))
                .unwrap();
        assert_eq!(
            limit.to_wire(),
            json!({"metricName": "CONNECTIONS", "mode": "AVERAGE", "operator": "GREATER_THAN", "threshold": 80, "units": "RAW"})
        );
        assert!(limit.is_crossed_by(81.0, Some("RAW")));
        assert!(!limit.is_crossed_by(80.0, Some("RAW")));
    }

    #[test]
    fn values_in_other_units_of_the_same_kind_are_converted_and_other_kinds_never_cross() {
        let limit =
            host_metric(json!({"metricName": "AVG_READ_EXECUTION_TIME", "threshold": 2, "units": "SECONDS"}))
                .unwrap();
        assert!(limit.is_crossed_by(2500.0, Some("MILLISECONDS")));
        assert!(!limit.is_crossed_by(1500.0, Some("MILLISECONDS")));
        assert!(!limit.is_crossed_by(5.0, Some("BYTES")));
    }

    #[test]
    fn bad_thresholds_are_refused_with_the_reason() {
        assert!(host_metric(json!({"threshold": 1})).unwrap_err().contains("metricName is required"));
        assert!(
            host_metric(json!({"metricName": "NOPE", "threshold": 1})).unwrap_err().contains("not a metric")
        );
        assert!(
            host_metric(json!({"metricName": "CONNECTIONS"})).unwrap_err().contains("threshold is required")
        );
        let wrong_units = json!({"metricName": "CONNECTIONS", "threshold": 1, "units": "SECONDS"});
        assert!(host_metric(wrong_units).unwrap_err().contains("units"));
        let wrong_operator = json!({"operator": "EQUALS", "threshold": 1});
        assert!(Limit::parse_plain(&wrong_operator).unwrap_err().contains("GREATER_THAN or LESS_THAN"));
    }
}

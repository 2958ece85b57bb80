#!/usr/bin/env python3
"""Writes src/domain/alerts/families.rs from Atlas's alerts OpenAPI subset: for each kind of
alert configuration the spec names (each member of GroupAlertsConfig's oneOf), its event types,
the matcher field names it allows, and whether it takes a metricThreshold or a threshold.

    python3 tools/alert_families.py ../shared/spec/atlas-alerts-openapi.yaml > src/domain/alerts/families.rs
    cargo fmt
"""
import sys

import yaml

spec = yaml.safe_load(open(sys.argv[1]))
schemas = spec["components"]["schemas"]


def resolve(schema):
    while "$ref" in schema:
        schema = schemas[schema["$ref"].split("/")[-1]]
    return schema


def enums(schema):
    schema = resolve(schema)
    found = list(schema.get("enum", []))
    for key in ("oneOf", "anyOf", "allOf"):
        for member in schema.get(key, []):
            found += enums(member)
    return found


def metric_names(schema):
    """The metric names a threshold schema's discriminator maps, each with its unit kind."""
    schema = resolve(schema)
    names = []
    for metric, target in schema.get("discriminator", {}).get("mapping", {}).items():
        units = schemas[target.split("/")[-1]].get("properties", {}).get("units", {})
        kind = units.get("$ref", "").split("/")[-1].replace("MetricUnits", "") or "Raw"
        names.append((metric, kind))
    return names


def strings(values):
    return ", ".join(f'"{v}"' for v in values)


print("//! The kinds of alert configuration Atlas's API names, generated from its OpenAPI subset by")
print("//! `tools/alert_families.py` (do not edit by hand): each with its event types, the matcher")
print("//! fields it allows (none listed: any) and the thresholds it takes.")
print()
print("use super::family::{Family, Units};")
print()
print("/// Every kind, the catch-all (`DefaultAlertConfigViewForNdsGroup`) first.")
print("pub static FAMILIES: &[Family] = &[")
for member in schemas["GroupAlertsConfig"]["oneOf"]:
    name = member["$ref"].split("/")[-1]
    schema = schemas[name]
    props = schema.get("properties", {})
    event_types = enums(props["eventTypeName"])
    matcher_fields = []
    if "matchers" in props:
        field = resolve(props["matchers"]["items"]).get("properties", {}).get("fieldName")
        matcher_fields = enums(field) if field else []
    print("    Family {")
    print(f'        schema: "{name}",')
    print(f"        event_types: &[{strings(event_types)}],")
    print(f"        matcher_fields: &[{strings(matcher_fields)}],")
    metrics = metric_names(props["metricThreshold"]) if "metricThreshold" in props else []
    listed = ", ".join(f'("{name}", Units::{kind})' for name, kind in metrics)
    print(f'        metric_threshold: {"true" if "metricThreshold" in props else "false"},')
    print(f"        metrics: &[{listed}],")
    print(f'        threshold: {"true" if "threshold" in props else "false"},')
    print("    },")
print("];")

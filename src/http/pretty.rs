//! Pretty-printing as Atlas does it (Jackson's default printer): two-space indents,
//! `"key" : value`, arrays inline as `[ a, b ]`, empty containers as `{ }` and `[ ]`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// Jackson's `DefaultPrettyPrinter` layout as a serde_json formatter.
#[derive(Default)]
pub struct JacksonFormatter {
    depth: usize,
    has_value: bool,
}

impl JacksonFormatter {
    fn newline_indent<W: ?Sized + Write>(&self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\n")?;
        for _ in 0..self.depth {
            writer.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl Formatter for JacksonFormatter {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        writer.write_all(b" ]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        writer.write_all(if first { b" " } else { b", " })
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline_indent(writer)?;
        } else {
            writer.write_all(b" ")?;
        }
        self.has_value = true;
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        self.newline_indent(writer)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b" : ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Serialises `value` in Atlas's pretty layout.
pub fn to_pretty<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = Serializer::with_formatter(&mut out, JacksonFormatter::default());
    value.serialize(&mut serializer).expect("JSON values always serialise");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_atlas_pretty_401_body_byte_for_byte() {
        let body = json!({"error": 401, "reason": "Unauthorized",
            "detail": "You are not authorized for this resource.", "errorCode": "UNEXPECTED_ERROR"});
        let text = String::from_utf8(to_pretty(&body)).unwrap();
        assert_eq!(
            text,
            "{\n  \"error\" : 401,\n  \"reason\" : \"Unauthorized\",\n  \"detail\" : \"You are not authorized for this resource.\",\n  \"errorCode\" : \"UNEXPECTED_ERROR\"\n}"
        );
        assert_eq!(text.len(), 142, "the recorded Content-Length");
    }

    #[test]
    fn arrays_are_inline_and_objects_inside_them_indent() {
        let body = json!({"links": [], "results": [{"id": "a"}, {"id": "b"}], "empty": {}});
        assert_eq!(
            String::from_utf8(to_pretty(&body)).unwrap(),
            "{\n  \"links\" : [ ],\n  \"results\" : [ {\n    \"id\" : \"a\"\n  }, {\n    \"id\" : \"b\"\n  } ],\n  \"empty\" : { }\n}"
        );
    }
}

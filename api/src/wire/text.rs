//! Text in request bodies is a JSON string and nothing else. poem-openapi reads a number or a
//! boolean sent for a string as its text (`true` → `"true"`), which the document does not allow:
//! text fields are read through [`strict`], or are a [`Text`] where they have a default.

use poem_openapi::registry::MetaSchemaRef;
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;
use std::borrow::Cow;

/// Refuses a number or a boolean where text is expected; anything else parses as `T` does.
pub fn strict<T: ParseFromJSON>(value: Option<Value>) -> ParseResult<T> {
    match value {
        Some(value @ (Value::Number(_) | Value::Bool(_))) => Err(ParseError::expected_type(value)),
        value => T::parse_from_json(value),
    }
}

/// [`strict`], and `null` refused too: for an optional field the document does not declare
/// nullable (poem would otherwise read `null` as absent).
pub fn strict_present<T: ParseFromJSON>(value: Option<Value>) -> ParseResult<T> {
    match value {
        Some(Value::Null) => Err(ParseError::custom("null is not allowed here")),
        value => strict(value),
    }
}

/// A text field with a default (`""` when absent or `null`), read strictly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl Type for Text {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        String::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        String::schema_ref()
    }

    fn as_raw_value(&self) -> Option<&String> {
        Some(&self.0)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(std::iter::once(&self.0))
    }
}

impl ParseFromJSON for Text {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        strict::<String>(value).map(Self).map_err(ParseError::propagate)
    }
}

impl ToJSON for Text {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}

impl From<Text> for String {
    fn from(text: Text) -> Self {
        text.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

//! Money and quantities on the wire: decimal strings such as `"1500.00"`.
//!
//! Requests may also send JSON numbers (the original bots did); a number is read from its
//! decimal text, so `1500.5` is exact and `0.30000000000000004` is refused, never rounded.

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type};
use serde_json::Value;
use std::borrow::Cow;
use workflows::procurement::Percent;
use workflows::{Money, Quantity};

macro_rules! wire_decimal {
    ($(#[$doc:meta])* $name:ident($inner:ty), $schema_name:literal, $example:literal, $non_negative:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub $inner);

        impl Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> Cow<'static, str> {
                $schema_name.into()
            }

            fn schema_ref() -> MetaSchemaRef {
                let mut schema = MetaSchema::new_with_format("string", "decimal");
                schema.pattern = Some(r"^-?\d{1,12}([.,]\d{1,2})?$".into());
                schema.example = Some(Value::String($example.into()));
                MetaSchemaRef::Inline(Box::new(schema))
            }

            fn as_raw_value(&self) -> Option<&Self> {
                Some(self)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                let text = match value.unwrap_or_default() {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    other => return Err(ParseError::expected_type(other)),
                };
                Self::parse_text(&text)
            }
        }

        impl ParseFromParameter for $name {
            fn parse_from_parameter(value: &str) -> ParseResult<Self> {
                Self::parse_text(value)
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::String(self.0.to_string()))
            }
        }

        impl $name {
            fn parse_text(text: &str) -> ParseResult<Self> {
                let value: $inner = text.parse().map_err(|e| ParseError::custom(format!("'{text}': {e}")))?;
                if $non_negative && value.hundredths() < 0 {
                    return Err(ParseError::custom(format!("'{text}': must not be negative")));
                }
                Ok(Self(value))
            }
        }

        impl From<$inner> for $name {
            fn from(v: $inner) -> Self {
                Self(v)
            }
        }
    };
}

wire_decimal!(
    /// Roubles with kopecks, e.g. `"1500.00"`.
    Amount(Money), "Amount", "1500.00", true
);
wire_decimal!(
    /// A signed amount, e.g. `"-300.00"` for money going out.
    SignedAmount(Money), "SignedAmount", "-300.00", false
);
wire_decimal!(
    /// A quantity of goods with up to two decimals, e.g. `"1.50"`.
    Qty(Quantity), "Quantity", "2.00", true
);
wire_decimal!(
    /// A percentage with up to two decimals, e.g. `"2.50"`.
    Pct(Percent), "Percent", "2.50", true
);

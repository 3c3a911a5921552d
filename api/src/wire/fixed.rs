//! Money and quantities on the wire: decimal strings such as `"1500.00"`.
//!
//! Requests may also send JSON numbers (the original bots did); a number is read from its
//! decimal text, so `1500.5` is exact and `0.30000000000000004` is refused, never rounded.
//!
//! Each type's schema pattern says what the server takes: at most `digits` digits before the
//! point once leading zeros are dropped, at most two significant ones after it, and, for the
//! `Positive…` and `NonZero…` types, not zero (a zero parses, and the use case refuses it).

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type};
use serde_json::Value;
use std::borrow::Cow;
use workflows::procurement::Percent;
use workflows::{Money, Quantity};

/// What a decimal may be: its sign and whether zero is allowed, and its integer digits.
#[derive(Clone, Copy)]
enum Rule {
    NonNegative(usize),
    Positive(usize),
    Signed(usize),
    NonZero(usize),
    /// The commission: 0 to 10 percent.
    UpToTen,
}

impl Rule {
    fn pattern(self) -> String {
        const FRACTION: &str = r"([.,]\d{1,2}0*)?";
        const ONLY_FRACTION: &str = r"0*[.,]\d{1,2}0*";
        const SMALL: &str = r"0*[.,](0[1-9]|[1-9]\d?)0*";
        let body = match self {
            Self::NonNegative(n) | Self::Signed(n) => format!(r"0*\d{{1,{n}}}{FRACTION}|{ONLY_FRACTION}"),
            Self::Positive(n) | Self::NonZero(n) => format!(r"0*[1-9]\d{{0,{}}}{FRACTION}|{SMALL}", n - 1),
            Self::UpToTen => format!(r"0*10([.,]0{{1,2}}0*)?|0*\d{FRACTION}|{ONLY_FRACTION}"),
        };
        let sign = if self.allows_negative() { "-?" } else { "" };
        format!("^{sign}({body})$")
    }

    fn allows_negative(self) -> bool {
        matches!(self, Self::Signed(_) | Self::NonZero(_))
    }
}

macro_rules! wire_decimal {
    ($(#[$doc:meta])* $name:ident($inner:ty), $schema_name:literal, $example:literal, $rule:expr) => {
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
                schema.pattern = Some($rule.pattern());
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
                if !$rule.allows_negative() && value.hundredths() < 0 {
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
    Amount(Money), "Amount", "1500.00", Rule::NonNegative(12)
);
wire_decimal!(
    /// Roubles with kopecks, more than zero.
    PositiveAmount(Money), "PositiveAmount", "1500.00", Rule::Positive(12)
);
wire_decimal!(
    /// A signed amount, e.g. `"-300.00"` for money going out.
    SignedAmount(Money), "SignedAmount", "-300.00", Rule::Signed(12)
);
wire_decimal!(
    /// A signed amount other than zero.
    NonZeroAmount(Money), "NonZeroAmount", "-300.00", Rule::NonZero(12)
);
wire_decimal!(
    /// A quantity of goods with up to two decimals, e.g. `"1.50"` (`NUMERIC(10,2)`).
    Qty(Quantity), "Quantity", "2.00", Rule::NonNegative(8)
);
wire_decimal!(
    /// A quantity of goods, more than zero.
    PositiveQty(Quantity), "PositiveQuantity", "2.00", Rule::Positive(8)
);
wire_decimal!(
    /// The organizer's commission in percent with up to two decimals, 0 to 10, e.g. `"2.50"`.
    Pct(Percent), "Percent", "2.50", Rule::UpToTen
);

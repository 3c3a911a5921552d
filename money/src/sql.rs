//! `NUMERIC(_, 2)` columns through `rust_decimal`, refusing values with more precision.

use crate::parse::ParseError;
use rust_decimal::Decimal;

/// A database `NUMERIC` as hundredths.
pub fn decimal_to_hundredths(d: Decimal) -> Result<i64, ParseError> {
    let scaled = d * Decimal::ONE_HUNDRED;
    if scaled.fract() != Decimal::ZERO {
        return Err(ParseError::TooPrecise);
    }
    i64::try_from(scaled).map_err(|_| ParseError::TooLarge)
}

pub fn hundredths_to_decimal(value: i64) -> Decimal {
    Decimal::new(value, 2)
}

/// The decimal conversions and the sqlx traits for one fixed-point type.
macro_rules! numeric {
    ($name:ident) => {
        impl $name {
            pub fn to_decimal(self) -> rust_decimal::Decimal {
                $crate::sql::hundredths_to_decimal(self.0)
            }

            pub fn try_from_decimal(d: rust_decimal::Decimal) -> Result<Self, ParseError> {
                $crate::sql::decimal_to_hundredths(d).map(Self)
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <rust_decimal::Decimal as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <rust_decimal::Decimal as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let d = <rust_decimal::Decimal as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                Ok(Self::try_from_decimal(d)?)
            }
        }

        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <rust_decimal::Decimal as sqlx::Encode<sqlx::Postgres>>::encode(self.to_decimal(), buf)
            }
        }
    };
}

pub(crate) use numeric;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::MAX_HUNDREDTHS;

    #[test]
    fn decimal_round_trip() {
        for v in [0, 1, -1, 150_000, MAX_HUNDREDTHS] {
            assert_eq!(decimal_to_hundredths(hundredths_to_decimal(v)), Ok(v));
        }
        assert_eq!(decimal_to_hundredths(Decimal::new(1, 3)), Err(ParseError::TooPrecise));
    }
}

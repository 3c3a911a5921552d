//! What the state machines share: names of states and the refusal of an illegal move.

use std::fmt;

/// A state with a stable lower-case name, as stored in the database and sent on the wire.
pub trait StateName: Sized + Copy + 'static {
    /// The entity this state belongs to ("procurement", "participant"), for messages and the
    /// event log.
    const ENTITY: &'static str;
    fn as_str(self) -> &'static str;
    fn parse(name: &str) -> Option<Self>;
}

/// A state machine: its transition table (`on`) and the event that reaches each state.
pub trait StateMachine: StateName {
    type Event: Copy;

    /// The one place that says which moves are legal.
    fn on(self, event: Self::Event) -> Result<Self, IllegalTransition>;

    /// The event whose transitions end in this state (`None` for the initial state).
    fn reached_by(self) -> Option<Self::Event>;

    /// The event that would move this state to `target`, if the table allows it.
    fn transition_to(self, target: Self) -> Result<Self::Event, IllegalTransition> {
        let event = target.reached_by().ok_or_else(|| IllegalTransition::new(self, target))?;
        self.on(event).map(|_| event)
    }
}

/// A move the transition table does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IllegalTransition {
    pub entity: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

impl IllegalTransition {
    pub fn new<S: StateName>(from: S, to: S) -> Self {
        Self { entity: S::ENTITY, from: from.as_str(), to: to.as_str() }
    }
}

impl fmt::Display for IllegalTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} cannot go from '{}' to '{}'", self.entity, self.from, self.to)
    }
}

impl std::error::Error for IllegalTransition {}

/// Implements [`StateName`] (plus `Display`, `FromStr`, serde and the sqlx text mapping) from one
/// variant → name table, so the names are written once.
macro_rules! named_enum {
    ($ty:ident, $entity:literal { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $crate::transition::StateName for $ty {
            const ENTITY: &'static str = $entity;
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name),+ }
            }
            fn parse(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::transition::StateName::as_str(*self))
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                <Self as $crate::transition::StateName>::parse(s)
                    .ok_or_else(|| format!("unknown {} '{s}'", stringify!($ty)))
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::transition::StateName::as_str(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                name.parse::<Self>().map_err(serde::de::Error::custom)
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $ty {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $ty {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let name = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                Ok(name.parse::<Self>()?)
            }
        }

        impl sqlx::Encode<'_, sqlx::Postgres> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode($crate::transition::StateName::as_str(*self), buf)
            }
        }
    };
}

pub(crate) use named_enum;

//! Deposits: a pending payment whose order code the buyer puts in the purpose of a bank
//! transfer to the nominal account. Cyclops has no checkout page; what a buyer needs is the
//! requisites (and, with the sandbox bank, a page that simulates the transfer).

use super::model::{self, Payment};
use crate::bank::{Bank, SbpQrCode};
use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use sqlx::PgConnection;

/// Where deposits are paid.
#[derive(Debug, Clone)]
pub struct PayInto {
    pub nominal_account: String,
    pub bic: String,
    pub bank_name: String,
    pub recipient_name: String,
    /// A page where the buyer can pay (the sandbox bank's payment page); its query gets the
    /// amount and purpose. None with the real bank: the buyer pays from their own bank's app.
    pub payment_page: Option<String>,
}

/// What a buyer types into their bank's transfer form.
#[derive(Debug, Clone)]
pub struct Requisites {
    pub recipient_account: String,
    pub bic: String,
    pub bank_name: String,
    pub recipient_name: String,
    pub amount: Money,
    /// Must contain the order code: that is how the money is matched to the deposit.
    pub purpose: String,
}

pub struct NewDeposit {
    pub user_id: i64,
    pub amount: Money,
    pub description: Option<String>,
    /// The payer's INN, when they give it (needed once).
    pub inn: Option<String>,
}

/// The order code of deposit `id`, e.g. `GBD-42`.
pub fn order_code(id: i64) -> String {
    format!("GBD-{id}")
}

/// The deposit id named by an order code anywhere in a payment's purpose (banks may change case,
/// spacing around the dash, or the letters' script: "ГВD" typed with Cyrillic look-alikes).
pub fn parse_order_code(purpose: &str) -> Option<i64> {
    let folded: String = purpose
        .chars()
        .map(|c| match c {
            'Г' | 'г' => 'G',
            'В' | 'в' => 'B',
            'Д' | 'д' => 'D',
            '–' | '—' => '-',
            c => c.to_ascii_uppercase(),
        })
        .filter(|c| !c.is_whitespace())
        .collect();
    let at = folded.find("GBD-")?;
    let digits: String = folded[at + 4..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn purpose(order_code: &str) -> String {
    format!("Пополнение баланса GroupBuy по заказу {order_code}. НДС не облагается")
}

pub fn requisites(pay_into: &PayInto, deposit: &Payment) -> Requisites {
    Requisites {
        recipient_account: pay_into.nominal_account.clone(),
        bic: pay_into.bic.clone(),
        bank_name: pay_into.bank_name.clone(),
        recipient_name: pay_into.recipient_name.clone(),
        amount: deposit.amount,
        purpose: purpose(&deposit.order_id),
    }
}

/// Offers a pending deposit for payment by SBP: the bank makes a QR code for its amount, whose id
/// is recorded, since an SBP payment arrives with the bank's own purpose and the code's id.
/// Inside the deposit's transaction, so a bank failure leaves no deposit behind.
pub async fn attach_sbp_qrcode(conn: &mut PgConnection, bank: &dyn Bank, deposit: &Payment) -> DomainResult<SbpQrCode> {
    let qr = bank
        .generate_sbp_qrcode(deposit.amount, &purpose(&deposit.order_id))
        .await
        .map_err(|e| DomainError::unavailable(format!("the bank could not make an SBP QR code: {e}")))?;
    sqlx::query(
        "UPDATE payments SET metadata = metadata || jsonb_build_object('qrcode_id', $2::text),
                confirmation_url = $3 WHERE id = $1",
    )
    .bind(deposit.id)
    .bind(&qr.id)
    .bind(&qr.url)
    .execute(conn)
    .await?;
    Ok(qr)
}

/// Creates a pending deposit for `new.user_id` (who must exist and be active).
pub async fn create_deposit(conn: &mut PgConnection, pay_into: &PayInto, new: NewDeposit) -> DomainResult<Payment> {
    if !new.amount.is_positive() {
        return Err(DomainError::invalid("amount", "a deposit must be more than 0.00"));
    }
    crate::users::ensure_active(conn, new.user_id).await?;
    record_inn(conn, new.user_id, new.inn.as_deref()).await?;
    let description = new.description.unwrap_or_else(|| format!("Deposit {} RUB", new.amount));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payments (user_id, payment_type, amount, status, provider, description)
         VALUES ($1, 'deposit', $2, 'pending', $3, $4) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.amount)
    .bind(if pay_into.payment_page.is_some() { "sandbox" } else { "tochka" })
    .bind(&description)
    .fetch_one(&mut *conn)
    .await?;
    let code = order_code(id);
    let page = pay_into.payment_page.as_ref().map(|base| {
        let purpose = purpose(&code);
        format!("{base}?amount={}&purpose={}", new.amount, urlencode(&purpose))
    });
    sqlx::query("UPDATE payments SET order_id = $2, confirmation_url = $3 WHERE id = $1")
        .bind(id)
        .bind(&code)
        .bind(page.unwrap_or_default())
        .execute(&mut *conn)
        .await?;
    model::get(conn, id).await
}

/// The bank opens a person's account under their INN, so a deposit needs one: the one on file,
/// or the one given now (recorded; a different one than on file is refused).
async fn record_inn(conn: &mut PgConnection, user_id: i64, given: Option<&str>) -> DomainResult<()> {
    let on_file: String =
        sqlx::query_scalar("SELECT inn FROM users WHERE id = $1").bind(user_id).fetch_one(&mut *conn).await?;
    match given.map(str::trim).filter(|inn| !inn.is_empty()) {
        None if on_file.is_empty() => Err(DomainError::invalid(
            "inn",
            "the payer's INN (12 digits) is needed once, for the bank to open their account",
        )),
        None => Ok(()),
        Some(inn) if !crate::users::inn::is_valid(inn) => {
            Err(DomainError::invalid("inn", "not a valid INN of a person: 12 digits with correct check digits"))
        }
        Some(inn) if on_file.is_empty() => {
            sqlx::query("UPDATE users SET inn = $2 WHERE id = $1").bind(user_id).bind(inn).execute(conn).await?;
            Ok(())
        }
        Some(inn) if inn == on_file => Ok(()),
        Some(_) => Err(DomainError::conflict("inn_mismatch", "this user already has a different INN on file")),
    }
}

fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_codes_survive_what_banks_and_people_do_to_purposes() {
        assert_eq!(parse_order_code(&purpose(&order_code(42))), Some(42));
        assert_eq!(parse_order_code("оплата gbd-7 спасибо"), Some(7));
        assert_eq!(parse_order_code("Оплата ГВД – 1234"), Some(1234));
        assert_eq!(parse_order_code("GB D-9"), Some(9));
        assert_eq!(parse_order_code("Оплата по договору 12345"), None);
        assert_eq!(parse_order_code("GBD-"), None);
    }

    #[test]
    fn purposes_are_url_encoded() {
        assert_eq!(urlencode("a b/ё"), "a%20b%2F%D1%91");
    }
}

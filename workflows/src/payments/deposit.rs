//! Deposits: a pending payment whose order code the buyer puts in the purpose of a bank
//! transfer to the nominal account. Cyclops has no checkout page; what a buyer needs is the
//! requisites (and, with the sandbox bank, a page that simulates the transfer).

use super::model::{self, Payment};
use crate::bank::{Bank, SbpQrCode};
use crate::error::{DomainError, DomainResult};
use crate::money::Money;
use sqlx::{PgConnection, PgPool};

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

#[derive(Debug, Clone)]
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

/// Records the QR code a deposit is offered with: its id is what an SBP payment arrives with
/// (the bank writes its own purpose for SBP payments).
async fn record_sbp_qrcode(conn: &mut PgConnection, deposit_id: i64, qr: &SbpQrCode) -> DomainResult<()> {
    sqlx::query(
        "UPDATE payments SET metadata = metadata || jsonb_build_object('qrcode_id', $2::text),
                confirmation_url = $3 WHERE id = $1",
    )
    .bind(deposit_id)
    .bind(&qr.id)
    .bind(&qr.url)
    .execute(conn)
    .await?;
    Ok(())
}

/// How the buyer will pay a deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositMethod {
    /// A bank transfer with the order code in its purpose.
    Transfer,
    /// An SBP QR code the bank makes for it.
    Sbp,
}

/// Starts a deposit: a pending payment and, paid by SBP, the bank's QR code for it.
///
/// The QR code names the deposit's order code, so the deposit's id is taken first; the bank is
/// called with no transaction open, after a dry run has shown the deposit would be accepted (so
/// a refused request makes no code), and the deposit and its code are then written together.
/// A bank that cannot make a code leaves nothing behind.
pub async fn start_deposit(
    pool: &PgPool,
    pay_into: &PayInto,
    bank: Option<&dyn Bank>,
    new: NewDeposit,
    method: DepositMethod,
) -> DomainResult<(Payment, Option<SbpQrCode>)> {
    let bank = match (method, bank) {
        (DepositMethod::Transfer, _) => None,
        (DepositMethod::Sbp, None) => return Err(DomainError::unavailable("SBP is not configured")),
        (DepositMethod::Sbp, Some(bank)) => Some(bank),
    };
    let id: i64 =
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('payments', 'id'))").fetch_one(pool).await?;
    let qr = match bank {
        None => None,
        Some(bank) => {
            let mut dry_run = pool.begin().await?;
            create_deposit_as(&mut dry_run, pay_into, new.clone(), id).await?;
            dry_run.rollback().await?;
            let qr = bank
                .generate_sbp_qrcode(new.amount, &purpose(&order_code(id)))
                .await
                .map_err(|e| DomainError::unavailable(format!("the bank could not make an SBP QR code: {e}")))?;
            Some(qr)
        }
    };
    let mut tx = pool.begin().await?;
    let mut deposit = create_deposit_as(&mut tx, pay_into, new, id).await?;
    if let Some(qr) = &qr {
        record_sbp_qrcode(&mut tx, deposit.id, qr).await?;
        deposit.confirmation_url = qr.url.clone();
    }
    tx.commit().await?;
    Ok((deposit, qr))
}

/// Creates a pending deposit for `new.user_id` (who must exist and be active).
pub async fn create_deposit(conn: &mut PgConnection, pay_into: &PayInto, new: NewDeposit) -> DomainResult<Payment> {
    let id: i64 =
        sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('payments', 'id'))").fetch_one(&mut *conn).await?;
    create_deposit_as(conn, pay_into, new, id).await
}

/// [`create_deposit`] under an id taken beforehand.
async fn create_deposit_as(
    conn: &mut PgConnection,
    pay_into: &PayInto,
    new: NewDeposit,
    id: i64,
) -> DomainResult<Payment> {
    if !new.amount.is_positive() {
        return Err(DomainError::invalid("amount", "a deposit must be more than 0.00"));
    }
    crate::users::ensure_active(conn, new.user_id).await?;
    record_inn(conn, new.user_id, new.inn.as_deref()).await?;
    let description = new.description.unwrap_or_else(|| format!("Deposit {} RUB", new.amount));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO payments (id, user_id, payment_type, amount, status, provider, description)
         VALUES ($5, $1, 'deposit', $2, 'pending', $3, $4) RETURNING id",
    )
    .bind(new.user_id)
    .bind(new.amount)
    .bind(if pay_into.payment_page.is_some() { "sandbox" } else { "tochka" })
    .bind(&description)
    .bind(id)
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
            crate::users::record_inn(conn, user_id, inn).await?;
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

//! SBP QR codes, and the `tender-helpers` service that makes money arrive.

use super::payments::Arrival;
use crate::books::{Answer, Books, QrCode, fail, invalid, positive};
use crate::config::SandboxConfig;
use cyclops::sbp::{C2bTransferParams, GenerateSbpQrcodeParams, TransferMoneyParams};
use cyclops::wire::codes;
use serde_json::{Value, json};

/// A 1×1 transparent PNG: the sandbox's stand-in for a QR code picture.
const PLACEHOLDER_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

impl Books {
    /// `public_url` is where the sandbox is reachable, so the QR's `url` opens its payment page.
    pub fn generate_sbp_qrcode(
        &mut self,
        config: &SandboxConfig,
        public_url: &str,
        p: GenerateSbpQrcodeParams,
    ) -> Answer<Value> {
        positive(p.amount)?;
        if p.nominal_account_code != config.nominal_account || p.nominal_account_bic != config.bic {
            return invalid("unknown nominal account");
        }
        if p.purpose.chars().count() > 140 {
            return invalid("purpose is longer than 140 characters");
        }
        // SBP QR ids are 32 upper-case letters and digits.
        let id = format!("AS{}", uuid::Uuid::new_v4().simple().to_string().to_uppercase())[..32].to_string();
        self.qrcodes.insert(id.clone(), QrCode { id: id.clone(), amount: p.amount, purpose: p.purpose });
        Ok(json!({"qrcode": {
            "id": id,
            "url": format!("{public_url}/pay/qr/{id}"),
            "image": {"media_type": "image/png", "content_base64": PLACEHOLDER_PNG, "width": p.width, "height": p.height},
        }}))
    }

    /// Pays a QR code: an `incoming_sbp` payment whose purpose is the bank's, not the QR's.
    pub fn pay_qrcode(&mut self, config: &SandboxConfig, p: C2bTransferParams) -> Answer<Value> {
        let Some(qr) = self.qrcodes.get(&p.qrc_id).cloned() else {
            return fail(codes::PAYMENT_NOT_FOUND, "QR code not found");
        };
        if p.amount != qr.amount {
            return invalid("the amount differs from the QR code's");
        }
        let arrival = Arrival {
            kind: "incoming_sbp",
            qrcode_id: Some(qr.id.clone()),
            payer_name: "Иванов Иван Иванович".into(),
            payer_inn: None,
            ..Arrival::transfer(qr.amount, format!("Зачисление по QR коду ID {} НДС не предусмотрен.", qr.id))
        };
        self.receive(config, arrival)?;
        Ok(json!({ "transaction_id": uuid::Uuid::new_v4().simple().to_string() }))
    }

    pub fn transfer_money(&mut self, config: &SandboxConfig, p: TransferMoneyParams) -> Answer<Value> {
        if p.recipient_account != config.nominal_account || p.recipient_bank_code != config.bic {
            return invalid("the recipient is not the nominal account");
        }
        let mut arrival = Arrival::transfer(p.amount, p.purpose);
        if let (Some(account), Some(bank)) = (p.payer_account, p.payer_bank_code) {
            arrival.payer_account = account;
            arrival.payer_bank_code = bank;
        }
        self.receive(config, arrival)?;
        Ok(json!({ "status": "success", "service_pay_key": uuid::Uuid::new_v4().simple().to_string() }))
    }
}

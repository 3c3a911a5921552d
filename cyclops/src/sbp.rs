//! SBP QR codes for top-ups, and the sandbox-only `tender-helpers` service that simulates money
//! arriving (a bank transfer with a purpose, or an SBP payment of a QR code).

#[cfg(feature = "client")]
use crate::CyclopsClient;
#[cfg(feature = "client")]
use crate::client::Transport;
use crate::rubles;
use crate::wire::Service;
use money::Money;
use serde::{Deserialize, Serialize};
#[cfg(feature = "client")]
use workflows::bank::{BankResult, SbpQrCode};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateSbpQrcodeParams {
    #[serde(with = "rubles")]
    pub amount: Money,
    pub purpose: String,
    pub nominal_account_code: String,
    pub nominal_account_bic: String,
    #[serde(default)]
    pub width: u32,
    #[serde(default)]
    pub height: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GenerateSbpQrcodeResult {
    pub qrcode: QrCodeWire,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QrCodeWire {
    pub id: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub image: Option<QrImageWire>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QrImageWire {
    #[serde(default)]
    pub media_type: String,
    #[serde(default)]
    pub content_base64: String,
    #[serde(default)]
    pub width: u32,
    #[serde(default)]
    pub height: u32,
}

/// `transfer_money`: a bank transfer to the nominal account, as if from a buyer's bank.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferMoneyParams {
    pub recipient_account: String,
    pub recipient_bank_code: String,
    #[serde(with = "rubles")]
    pub amount: Money,
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_bank_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferMoneyResult {
    #[serde(default)]
    pub status: String,
    /// Not the payment id the transfer will show up under.
    #[serde(default)]
    pub service_pay_key: String,
}

/// `send_c2b_credit_transfer_request`: pays an SBP QR code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct C2bTransferParams {
    pub qrc_id: String,
    #[serde(with = "rubles")]
    pub amount: Money,
    #[serde(default)]
    pub qrc_type: String,
    #[serde(default)]
    pub creditor_bank_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct C2bTransferResult {
    /// Not the payment id either.
    #[serde(default)]
    pub transaction_id: String,
}

#[cfg(feature = "client")]
impl CyclopsClient {
    pub(super) async fn generate_sbp_qrcode(&self, amount: Money, purpose: &str) -> BankResult<SbpQrCode> {
        let config = self.rpc.config();
        let params = GenerateSbpQrcodeParams {
            amount,
            purpose: purpose.into(),
            nominal_account_code: config.nominal_account.clone(),
            nominal_account_bic: config.nominal_bic.clone(),
            width: 300,
            height: 300,
        };
        let made: GenerateSbpQrcodeResult = self.rpc.call(Service::CyclopsV2, "generate_sbp_qrcode", params).await?;
        let image = made.qrcode.image.unwrap_or(QrImageWire {
            media_type: String::new(),
            content_base64: String::new(),
            width: 0,
            height: 0,
        });
        Ok(SbpQrCode {
            id: made.qrcode.id,
            url: made.qrcode.url,
            image_media_type: image.media_type,
            image_base64: image.content_base64,
        })
    }
}

/// (With the `client` feature.)
/// The sandbox layer's helper service: makes money arrive. Not available in production.
#[derive(Clone)]
#[cfg(feature = "client")]
pub struct TenderHelpers {
    rpc: Transport,
}

#[cfg(feature = "client")]
impl TenderHelpers {
    pub(super) fn new(rpc: Transport) -> Self {
        Self { rpc }
    }

    /// A transfer of `amount` with `purpose` to the nominal account; it then appears among the
    /// incoming payments (on Tochka's `pre` seconds to a minute later; in our sandbox at once).
    pub async fn transfer_money(&self, amount: Money, purpose: &str) -> BankResult<TransferMoneyResult> {
        let config = self.rpc.config();
        let params = TransferMoneyParams {
            recipient_account: config.nominal_account.clone(),
            recipient_bank_code: config.nominal_bic.clone(),
            amount,
            purpose: purpose.into(),
            // One of the test payer accounts of the `pre` layer.
            payer_account: Some("40702810713500000456".into()),
            payer_bank_code: Some("044525104".into()),
        };
        self.rpc.call(Service::TenderHelpers, "transfer_money", params).await
    }

    /// Pays an SBP QR code (from [`crate::bank::Bank::generate_sbp_qrcode`]); returns the transaction id.
    pub async fn send_c2b_credit_transfer_request(&self, qrc_id: &str, amount: Money) -> BankResult<String> {
        let params = C2bTransferParams {
            qrc_id: qrc_id.into(),
            amount,
            qrc_type: "02".into(),
            creditor_bank_id: "100000000284".into(),
        };
        let sent: C2bTransferResult =
            self.rpc.call(Service::TenderHelpers, "send_c2b_credit_transfer_request", params).await?;
        Ok(sent.transaction_id)
    }
}

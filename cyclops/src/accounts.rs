//! Beneficiaries and their virtual accounts: who owns money inside the nominal account.

#[cfg(feature = "client")]
use crate::CyclopsClient;
use crate::rubles;
use crate::wire::Service;
use money::Money;
use serde::{Deserialize, Serialize};
#[cfg(feature = "client")]
use workflows::bank::{BankError, BankResult, NewBeneficiary, VirtualAccountBalance};

/// v2 `create_beneficiary_ul`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateBeneficiaryUlParams {
    pub inn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominal_account_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominal_account_bic: Option<String>,
    pub beneficiary_data: LegalEntityData,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LegalEntityData {
    pub name: String,
    pub kpp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ogrn: Option<String>,
    #[serde(default)]
    pub is_branch: bool,
}

/// v3 `create_beneficiary` for natural persons (`F`) and sole proprietors (`I`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateBeneficiaryParams {
    pub legal_type: String,
    pub inn: String,
    pub beneficiary_data: PersonData,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominal_account: Option<NominalAccount>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PersonData {
    #[serde(default)]
    pub registration_address: String,
    #[serde(default)]
    pub tax_resident: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NominalAccount {
    pub code: String,
    pub bic: String,
}

/// Both creation methods answer with the id at `beneficiary.id`; v3 may put it at `id`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CreateBeneficiaryResult {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<BeneficiaryRef>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BeneficiaryRef {
    pub id: String,
    #[serde(default)]
    pub inn: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateVirtualAccountParams {
    pub beneficiary_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_account_type: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreateVirtualAccountResult {
    pub virtual_account: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VirtualAccountParams {
    pub virtual_account: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GetVirtualAccountResult {
    pub virtual_account: VirtualAccountWire,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VirtualAccountWire {
    pub code: String,
    #[serde(with = "rubles")]
    pub cash: Money,
    #[serde(with = "rubles")]
    pub blocked_cash: Money,
    #[serde(default)]
    pub beneficiary_id: Option<String>,
    #[serde(default)]
    pub beneficiary_inn: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EchoParams {
    pub text: String,
}

#[cfg(feature = "client")]
impl CyclopsClient {
    pub(super) async fn create_beneficiary(&self, beneficiary: &NewBeneficiary) -> BankResult<String> {
        let created: CreateBeneficiaryResult = match beneficiary {
            NewBeneficiary::LegalEntity(company) => {
                let params = CreateBeneficiaryUlParams {
                    inn: company.inn.clone(),
                    nominal_account_code: None,
                    nominal_account_bic: None,
                    beneficiary_data: LegalEntityData {
                        name: company.name.clone(),
                        kpp: company.kpp.clone(),
                        ogrn: company.ogrn.clone(),
                        is_branch: false,
                    },
                };
                self.rpc.call(Service::CyclopsV2, "create_beneficiary_ul", params).await?
            }
            NewBeneficiary::NaturalPerson(person) | NewBeneficiary::SoleProprietor(person) => {
                let legal_type = if matches!(beneficiary, NewBeneficiary::SoleProprietor(_)) { "I" } else { "F" };
                let params = CreateBeneficiaryParams {
                    legal_type: legal_type.into(),
                    inn: person.inn.clone(),
                    beneficiary_data: PersonData {
                        registration_address: person.registration_address.clone(),
                        tax_resident: person.tax_resident,
                    },
                    nominal_account: None,
                };
                self.rpc.call(Service::CyclopsV3, "create_beneficiary", params).await?
            }
        };
        created
            .beneficiary
            .map(|b| b.id)
            .or(created.id)
            .ok_or_else(|| BankError::Protocol("create_beneficiary answered without an id".into()))
    }

    pub(super) async fn create_virtual_account(&self, beneficiary_id: &str) -> BankResult<String> {
        let params = CreateVirtualAccountParams {
            beneficiary_id: beneficiary_id.into(),
            virtual_account_type: Some("standard".into()),
        };
        let created: CreateVirtualAccountResult =
            self.rpc.call(Service::CyclopsV2, "create_virtual_account", params).await?;
        Ok(created.virtual_account)
    }

    pub(super) async fn get_virtual_account(&self, virtual_account: &str) -> BankResult<VirtualAccountBalance> {
        let params = VirtualAccountParams { virtual_account: virtual_account.into() };
        let found: GetVirtualAccountResult = self.rpc.call(Service::CyclopsV2, "get_virtual_account", params).await?;
        let va = found.virtual_account;
        Ok(VirtualAccountBalance { virtual_account: va.code, cash: va.cash, blocked_cash: va.blocked_cash })
    }

    pub(super) async fn echo(&self, text: &str) -> BankResult<String> {
        self.rpc.call(Service::CyclopsV3, "echo", EchoParams { text: text.into() }).await
    }
}

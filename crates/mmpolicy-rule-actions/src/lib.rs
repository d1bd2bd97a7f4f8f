//! mmpolicy feature crate: the **rule set execution role**, the IAM role SES assumes to run
//! the actions of a Mail Manager rule set.
//!
//! - `rule-actions.trust-policy`: the role's trust policy, letting SES assume it for your rule
//!   set only (`aws:SourceAccount`, `aws:SourceArn`);
//! - one identity policy per rule action that reaches another service: `write-to-s3`,
//!   `deliver-to-mailbox`, `send-to-internet`, `bounce`, `deliver-to-q-business`,
//!   `publish-to-sns` and `invoke-lambda`;
//! - `rule-actions.key-policy`: the key-policy statements letting the role use the customer
//!   managed keys of those actions.
//!
//! In the deployment bundle (`[rule-actions]`), the actions of one rule set share one role:
//! its trust policy, and one permission policy merging every action's statements; each key the
//! actions name gets the key-policy statements of the role.

mod bounce;
mod deliver_to_mailbox;
mod deliver_to_q_business;
mod invoke_lambda;
mod key_policy;
mod place;
mod publish_to_sns;
mod section;
mod send_to_internet;
mod trust_policy;
pub mod types;
mod write_to_s3;

pub use bounce::{Bounce, BounceParams};
pub use deliver_to_mailbox::{DeliverToMailbox, DeliverToMailboxParams};
pub use deliver_to_q_business::{DeliverToQBusiness, DeliverToQBusinessParams};
pub use invoke_lambda::{InvokeLambda, InvokeLambdaParams};
pub use key_policy::{KeyPolicy, KeyPolicyParams, KeyUse};
pub use publish_to_sns::{PublishToSns, PublishToSnsParams};
pub use section::*;
pub use send_to_internet::{SendToInternet, SendToInternetParams};
pub use trust_policy::{TrustParams, TrustPolicy};
pub use types::{
    ConfigurationSetName, KmsKeyAlias, LambdaFunctionArn, QBusinessApplicationId, QBusinessIndexId,
    SnsTopicArn, WorkMailOrganizationId,
};
pub use write_to_s3::{WriteToS3, WriteToS3Params};

use mmpolicy_core::{register_provider, register_section};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "rule-actions";

/// The file of the merged permission policy of the rule set's role, in a bundle.
pub const ROLE_POLICY_FILE: &str = "rule-actions.role-policy.json";

register_provider!(TrustPolicy);
register_provider!(WriteToS3);
register_provider!(DeliverToMailbox);
register_provider!(SendToInternet);
register_provider!(Bounce);
register_provider!(DeliverToQBusiness);
register_provider!(PublishToSns);
register_provider!(InvokeLambda);
register_provider!(KeyPolicy);
register_section!(RuleActionsSection);

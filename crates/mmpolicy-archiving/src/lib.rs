//! mmpolicy feature crate: the policies of Mail Manager **email archiving**.
//!
//! - `archiving.identity`: the IAM identity policy of the people or tools that create, search,
//!   read and export archives;
//! - `archiving.export-identity` and `archiving.export-bucket-policy`: the extra identity
//!   policy, and the destination bucket's policy, that `StartArchiveExport` needs;
//! - `archiving.kms-identity` and `archiving.key-policy`: the identity policy and the key
//!   policy for an archive encrypted with a customer managed KMS key.
//!
//! Archiving does not support the confused-deputy condition keys (`aws:SourceAccount`,
//! `aws:SourceArn`): AWS's page says so, and none is added here. The crate also contributes the
//! `[archiving]` table of the deployment bundle.

mod export;
mod export_bucket_policy;
mod export_identity;
mod identity;
mod key_policy;
mod kms_identity;
mod section;

pub use export::ExportParams;
pub use export_bucket_policy::ExportBucketPolicy;
pub use export_identity::ExportIdentity;
pub use identity::{ArchivingParams, CreateTags, Identity, LIST_ACTIONS};
pub use key_policy::{KeyPolicy, KeyPolicyParams};
pub use kms_identity::{KmsIdentity, KmsIdentityParams};
pub use section::{ArchivingSection, ArchivingSectionConfig, ExportSectionConfig};

use mmpolicy_core::{register_provider, register_section};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "archiving";

register_provider!(Identity);
register_provider!(ExportIdentity);
register_provider!(ExportBucketPolicy);
register_provider!(KmsIdentity);
register_provider!(KeyPolicy);
register_section!(ArchivingSection);

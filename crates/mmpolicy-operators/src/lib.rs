//! mmpolicy feature crate: least-privilege IAM identity policies for the **people and
//! pipelines** that deploy and operate Mail Manager (AWS's pages cover what Mail Manager itself
//! needs; these cover its operators, who would otherwise attach `ses:*` on `*`).
//!
//! - `operators.deployer`: create, update, delete and tag every Mail Manager resource type in
//!   one account and region, pass only the named rule set roles to SES, describe only the
//!   named secrets and keys, create add-on instances only of the named subscriptions;
//! - `operators.read-only`: every Mail Manager `Get` and `List` action, nothing else;
//! - `operators.archive-reader`: search and read the messages of the named archives;
//! - `operators.logging`: enable Mail Manager's vended logs to one destination.
//!
//! Each provider also declares the requests its holder makes and the near misses its policy
//! denies (`Provider::required_requests`), and the `[operators]` table of the deployment file plans one
//! identity policy per role ([`OperatorsSection`]).

mod actions;
mod archive_reader;
mod deployer;
mod logging;
mod read_only;
mod section;
pub mod types;

pub use actions::RESOURCE_TYPES;
pub use archive_reader::{ArchiveReader, ArchiveReaderParams};
pub use deployer::{Deployer, DeployerParams, Tags};
pub use logging::{Destination, Logging, LoggingParams};
pub use read_only::{ReadOnly, ReadOnlyParams};
pub use section::{OperatorsSection, OperatorsSectionConfig};

use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::types::{AccountId, Partition, Region};
use mmpolicy_core::{ExpectedRequest, Text, register_provider};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "operators";

/// The principal of every required request: the role the identity policy is attached to.
const HOLDER: &str = "the role the policy is attached to";

/// `requests` made by the policy's holder in `account`, the account the parameters name.
fn held_in(requests: Vec<ExpectedRequest>, account: AccountId) -> Vec<ExpectedRequest> {
    requests
        .into_iter()
        .map(|r| r.holder_in(account.as_str()))
        .collect()
}

/// `arn:<partition>:ses:<region>:<account>:<type>/*`: every resource of a type in the account
/// and region.
fn every(partition: Partition, region: Region, account: AccountId, resource_type: &str) -> Text {
    ses_arn(partition, region, account, resource_type, "*")
}

register_provider!(Deployer);
register_provider!(ReadOnly);
register_provider!(ArchiveReader);
register_provider!(Logging);
mmpolicy_core::register_section!(OperatorsSection);

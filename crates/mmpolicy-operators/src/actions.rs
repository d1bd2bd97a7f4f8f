//! The Mail Manager actions each provider grants, as constant arrays, read off the Service
//! Authorization Reference (the embedded catalog); a test checks each against it.

/// The Mail Manager resource types (the catalog's names), each ARN
/// `arn:<partition>:ses:<region>:<account>:<type>/<id>`.
pub const RESOURCE_TYPES: [&str; 8] = [
    "mailmanager-ingress-point",
    "mailmanager-smtp-relay",
    "mailmanager-rule-set",
    "mailmanager-traffic-policy",
    "mailmanager-archive",
    "mailmanager-address-list",
    "addon-instance",
    "addon-subscription",
];

/// The create actions, except `CreateAddonInstance` (granted only for named subscriptions).
pub const CREATE: &[&str] = &[
    "ses:CreateAddonSubscription",
    "ses:CreateAddressList",
    "ses:CreateArchive",
    "ses:CreateIngressPoint",
    "ses:CreateRelay",
    "ses:CreateRuleSet",
    "ses:CreateTrafficPolicy",
];

/// The resource types [`CREATE`] creates.
pub const CREATE_TYPES: [&str; 7] = [
    "mailmanager-ingress-point",
    "mailmanager-smtp-relay",
    "mailmanager-rule-set",
    "mailmanager-traffic-policy",
    "mailmanager-archive",
    "mailmanager-address-list",
    "addon-subscription",
];

/// What a deployer does to existing resources: update, delete, read back and tag.
pub const MANAGE: &[&str] = &[
    "ses:DeleteAddonInstance",
    "ses:DeleteAddonSubscription",
    "ses:DeleteAddressList",
    "ses:DeleteArchive",
    "ses:DeleteIngressPoint",
    "ses:DeleteRelay",
    "ses:DeleteRuleSet",
    "ses:DeleteTrafficPolicy",
    "ses:GetAddonInstance",
    "ses:GetAddonSubscription",
    "ses:GetAddressList",
    "ses:GetArchive",
    "ses:GetIngressPoint",
    "ses:GetRelay",
    "ses:GetRuleSet",
    "ses:GetTrafficPolicy",
    "ses:ListTagsForResource",
    "ses:TagResource",
    "ses:UntagResource",
    "ses:UpdateArchive",
    "ses:UpdateIngressPoint",
    "ses:UpdateRelay",
    "ses:UpdateRuleSet",
    "ses:UpdateTrafficPolicy",
];

/// The Mail Manager `List` actions that accept no resource type (granted on `*`).
pub const LIST: &[&str] = &[
    "ses:ListAddonInstances",
    "ses:ListAddonSubscriptions",
    "ses:ListAddressLists",
    "ses:ListArchiveExports",
    "ses:ListArchiveSearches",
    "ses:ListArchives",
    "ses:ListIngressPoints",
    "ses:ListRelays",
    "ses:ListRuleSets",
    "ses:ListTrafficPolicies",
];

/// The `List` actions a deployer needs (its own resource types, without archive searches and
/// exports).
pub const DEPLOYER_LIST: &[&str] = &[
    "ses:ListAddonInstances",
    "ses:ListAddonSubscriptions",
    "ses:ListAddressLists",
    "ses:ListArchives",
    "ses:ListIngressPoints",
    "ses:ListRelays",
    "ses:ListRuleSets",
    "ses:ListTrafficPolicies",
];

/// Every Mail Manager `Get` action, and the `List` actions that take a resource.
pub const READ: &[&str] = &[
    "ses:GetAddonInstance",
    "ses:GetAddonSubscription",
    "ses:GetAddressList",
    "ses:GetAddressListImportJob",
    "ses:GetArchive",
    "ses:GetArchiveExport",
    "ses:GetArchiveMessage",
    "ses:GetArchiveMessageContent",
    "ses:GetArchiveSearch",
    "ses:GetArchiveSearchResults",
    "ses:GetIngressPoint",
    "ses:GetMemberOfAddressList",
    "ses:GetRelay",
    "ses:GetRuleSet",
    "ses:GetTrafficPolicy",
    "ses:ListAddressListImportJobs",
    "ses:ListMembersOfAddressList",
    "ses:ListTagsForResource",
];

/// Searching an archive and reading its messages (no export, no delete).
pub const ARCHIVE_READ: &[&str] = &[
    "ses:GetArchive",
    "ses:GetArchiveMessage",
    "ses:GetArchiveMessageContent",
    "ses:GetArchiveSearch",
    "ses:GetArchiveSearchResults",
    "ses:StartArchiveSearch",
    "ses:StopArchiveSearch",
];

/// Listing archives and searches (no resource type: `*`).
pub const ARCHIVE_LIST: &[&str] = &["ses:ListArchiveSearches", "ses:ListArchives"];

/// The vended-log delivery actions on deliveries, delivery sources and destinations.
pub const LOG_DELIVERY: &[&str] = &[
    "logs:CreateDelivery",
    "logs:DeleteDelivery",
    "logs:DeleteDeliveryDestination",
    "logs:DeleteDeliveryDestinationPolicy",
    "logs:DeleteDeliverySource",
    "logs:GetDelivery",
    "logs:GetDeliveryDestination",
    "logs:GetDeliveryDestinationPolicy",
    "logs:GetDeliverySource",
    "logs:PutDeliveryDestinationPolicy",
    "logs:UpdateDeliveryConfiguration",
];

/// Describing deliveries (no resource type: `*`).
pub const LOG_DESCRIBE: &[&str] = &[
    "logs:DescribeDeliveries",
    "logs:DescribeDeliveryDestinations",
    "logs:DescribeDeliverySources",
];

/// The CloudWatch Logs resource-policy actions a log group destination needs (no resource
/// type: `*`).
pub const LOG_GROUP_POLICY: &[&str] = &[
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:PutResourcePolicy",
];

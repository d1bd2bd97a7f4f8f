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

/// One statement of a policy split by resource type: its `Sid`, the resource type (as the
/// catalog names it) and the actions, each of which accepts that resource type (IAM would
/// grant an action nowhere on a resource type it does not accept).
pub type ByType = (&'static str, &'static str, &'static [&'static str]);

/// The create actions by resource type, except `CreateAddonInstance` (granted only for named
/// subscriptions).
pub const CREATE: &[ByType] = &[
    (
        "CreateIngressPoints",
        "mailmanager-ingress-point",
        &["ses:CreateIngressPoint"],
    ),
    (
        "CreateRelays",
        "mailmanager-smtp-relay",
        &["ses:CreateRelay"],
    ),
    (
        "CreateRuleSets",
        "mailmanager-rule-set",
        &["ses:CreateRuleSet"],
    ),
    (
        "CreateTrafficPolicies",
        "mailmanager-traffic-policy",
        &["ses:CreateTrafficPolicy"],
    ),
    (
        "CreateArchives",
        "mailmanager-archive",
        &["ses:CreateArchive"],
    ),
    (
        "CreateAddressLists",
        "mailmanager-address-list",
        &["ses:CreateAddressList"],
    ),
    (
        "CreateAddonSubscriptions",
        "addon-subscription",
        &["ses:CreateAddonSubscription"],
    ),
];

/// What a deployer does to existing resources, by resource type: update, delete, read back
/// and tag. The catalog lists `TagResource`, `UntagResource` and `ListTagsForResource` on
/// archives only among Mail Manager's resource types.
pub const MANAGE: &[ByType] = &[
    (
        "ManageIngressPoints",
        "mailmanager-ingress-point",
        &[
            "ses:DeleteIngressPoint",
            "ses:GetIngressPoint",
            "ses:UpdateIngressPoint",
        ],
    ),
    (
        "ManageRelays",
        "mailmanager-smtp-relay",
        &["ses:DeleteRelay", "ses:GetRelay", "ses:UpdateRelay"],
    ),
    (
        "ManageRuleSets",
        "mailmanager-rule-set",
        &["ses:DeleteRuleSet", "ses:GetRuleSet", "ses:UpdateRuleSet"],
    ),
    (
        "ManageTrafficPolicies",
        "mailmanager-traffic-policy",
        &[
            "ses:DeleteTrafficPolicy",
            "ses:GetTrafficPolicy",
            "ses:UpdateTrafficPolicy",
        ],
    ),
    (
        "ManageArchives",
        "mailmanager-archive",
        &[
            "ses:DeleteArchive",
            "ses:GetArchive",
            "ses:ListTagsForResource",
            "ses:TagResource",
            "ses:UntagResource",
            "ses:UpdateArchive",
        ],
    ),
    (
        "ManageAddressLists",
        "mailmanager-address-list",
        &["ses:DeleteAddressList", "ses:GetAddressList"],
    ),
    (
        "ManageAddonInstances",
        "addon-instance",
        &["ses:DeleteAddonInstance", "ses:GetAddonInstance"],
    ),
    (
        "ManageAddonSubscriptions",
        "addon-subscription",
        &["ses:DeleteAddonSubscription", "ses:GetAddonSubscription"],
    ),
];

/// Every Mail Manager `Get` action, and the `List` actions that take a resource, by resource
/// type.
pub const READ: &[ByType] = &[
    (
        "ReadIngressPoints",
        "mailmanager-ingress-point",
        &["ses:GetIngressPoint"],
    ),
    ("ReadRelays", "mailmanager-smtp-relay", &["ses:GetRelay"]),
    ("ReadRuleSets", "mailmanager-rule-set", &["ses:GetRuleSet"]),
    (
        "ReadTrafficPolicies",
        "mailmanager-traffic-policy",
        &["ses:GetTrafficPolicy"],
    ),
    (
        "ReadArchives",
        "mailmanager-archive",
        &[
            "ses:GetArchive",
            "ses:GetArchiveExport",
            "ses:GetArchiveMessage",
            "ses:GetArchiveMessageContent",
            "ses:GetArchiveSearch",
            "ses:GetArchiveSearchResults",
            "ses:ListTagsForResource",
        ],
    ),
    (
        "ReadAddressLists",
        "mailmanager-address-list",
        &[
            "ses:GetAddressList",
            "ses:GetAddressListImportJob",
            "ses:GetMemberOfAddressList",
            "ses:ListAddressListImportJobs",
            "ses:ListMembersOfAddressList",
        ],
    ),
    (
        "ReadAddonInstances",
        "addon-instance",
        &["ses:GetAddonInstance"],
    ),
    (
        "ReadAddonSubscriptions",
        "addon-subscription",
        &["ses:GetAddonSubscription"],
    ),
];

/// The vended-log delivery actions, by the CloudWatch Logs resource types they accept
/// (`CreateDelivery` and `UpdateDeliveryConfiguration` need all three; the catalog lists
/// `DeleteDeliverySource` on delivery destinations).
pub const LOG_DELIVERY: &[(&str, &[&str], &[&str])] = &[
    (
        "ConnectLogDeliveries",
        &["delivery", "delivery-source", "delivery-destination"],
        &["logs:CreateDelivery", "logs:UpdateDeliveryConfiguration"],
    ),
    (
        "ManageLogDeliveries",
        &["delivery"],
        &["logs:DeleteDelivery", "logs:GetDelivery"],
    ),
    (
        "ReadLogDeliverySources",
        &["delivery-source"],
        &["logs:GetDeliverySource"],
    ),
    (
        "ManageLogDeliveryDestinations",
        &["delivery-destination"],
        &[
            "logs:DeleteDeliveryDestination",
            "logs:DeleteDeliveryDestinationPolicy",
            "logs:DeleteDeliverySource",
            "logs:GetDeliveryDestination",
            "logs:GetDeliveryDestinationPolicy",
            "logs:PutDeliveryDestinationPolicy",
        ],
    ),
];

//! Every check, with its stable code, name, severity, a one-line summary and its documentation
//! (why it matters, an example, the fix). The codes are `E` grammar, `C` catalog, `S`
//! security, `U` suggestions; they never change meaning.
//!
//! This table is the one place rules are documented: `docs/lint-rules.md`, the SARIF rule
//! metadata and `mmpolicy lint --explain` are all rendered from it ([`Rule::help_markdown`],
//! [`Rule::help_text`]).

use mmpolicy_core::PolicyKind;
use serde::Serialize;
use std::fmt;

/// How bad a finding is. Ordered: a suggestion is the mildest, an error the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The policy works; it could be simpler.
    Suggestion,
    /// The policy probably does not do what was meant.
    Warning,
    /// The policy grants more than it should.
    Security,
    /// AWS rejects the policy, or part of it grants nothing.
    Error,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Suggestion => "suggestion",
            Severity::Warning => "warning",
            Severity::Security => "security",
            Severity::Error => "error",
        }
    }

    /// Whether a finding of this severity fails a lint run (`warning` or worse).
    pub fn fails(self) -> bool {
        self >= Severity::Warning
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($(
        $(#[$doc:meta])*
        $variant:ident = ($code:literal, $name:literal, $sev:ident, $summary:literal) {
            why: $why:literal,
            fix: $fix:literal,
            example: ($kind:ident, $example:literal) $(,)?
        },
    )*) => {
        /// A check. Each finding names the rule that produced it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[$doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable code (`C005`).
            pub fn code(self) -> &'static str {
                match self { $( Rule::$variant => $code, )* }
            }

            /// The stable name (`resource-needs-star`).
            pub fn name(self) -> &'static str {
                match self { $( Rule::$variant => $name, )* }
            }

            /// The severity of its findings.
            pub fn severity(self) -> Severity {
                match self { $( Rule::$variant => Severity::$sev, )* }
            }

            /// What it checks, in one line (Markdown: code in backticks).
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }

            /// Why a finding matters (Markdown: code in backticks).
            pub fn why(self) -> &'static str {
                match self { $( Rule::$variant => $why, )* }
            }

            /// How to fix a finding (Markdown: code in backticks).
            pub fn fix(self) -> &'static str {
                match self { $( Rule::$variant => $fix, )* }
            }

            /// A policy that the rule finds fault with.
            pub fn example(self) -> Example {
                match self {
                    $( Rule::$variant => Example { kind: PolicyKind::$kind, text: $example }, )*
                }
            }
        }
    };
}

rules! {
    /// The document is not a JSON object.
    NotAnObject = ("E001", "not-an-object", Error, "a policy document is a JSON object") {
        why: "The whole document is read as one JSON object; IAM rejects a string, a number, a boolean or `null` at the top, so nothing of it applies. A list is read as the statements to merge into a policy, the way mmpolicy writes key, secret and bucket policies; IAM takes it only once merged into a document.",
        fix: r#"Write the policy as an object: `{"Version": "2012-10-17", "Statement": [...]}`."#,
        example: (Identity, r#""arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1""#),
    },
    /// No `Version`.
    MissingVersion = ("E002", "missing-version", Warning, "`Version` should be `2012-10-17`; without it policy variables are not expanded") {
        why: "Without `Version`, IAM reads the policy with the 2008 grammar: policy variables such as `${aws:username}` stay literal text and match nothing.",
        fix: r#"Add `"Version": "2012-10-17"` at the top of the document."#,
        example: (Identity, r#"{"Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// A `Version` AWS does not know.
    InvalidVersion = ("E003", "invalid-version", Error, "`Version` is `2012-10-17` (or the old `2008-10-17`)") {
        why: "IAM knows two versions and rejects the policy with any other value, often a date someone thought was the policy's own.",
        fix: r#"Set `"Version": "2012-10-17"`; keep your own dates in `Id` or in the `Sid`s."#,
        example: (Identity, r#"{"Version": "2024-05-01", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// `Version` `2008-10-17`.
    OldVersion = ("E004", "old-version", Warning, "`Version` `2008-10-17` does not expand policy variables") {
        why: "The 2008 grammar does not expand policy variables, so `${aws:PrincipalTag/team}` is compared as literal text.",
        fix: r#"Set `"Version": "2012-10-17"`."#,
        example: (Identity, r#"{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// An element that is not part of the grammar.
    UnknownElement = ("E005", "unknown-element", Error, "only `Version`, `Id` and `Statement` at the top; `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource`, `Condition` in a statement") {
        why: "IAM rejects elements it does not know; a misspelt element (`Statment`, `Actions`) is also an element that does not do what was meant.",
        fix: "Correct the spelling, or remove the element (notes go in `Sid` or `Id`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Comment": "read archives", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// No `Statement`, or not an object or a list of objects.
    MissingStatement = ("E006", "missing-statement", Error, "`Statement` is a statement or a non-empty list of statements") {
        why: "A policy without statements grants nothing and IAM rejects it.",
        fix: "Add a `Statement`: one statement object, or a non-empty list of them.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": []}"#),
    },
    /// A statement that is not an object.
    StatementNotObject = ("E007", "statement-not-object", Error, "each statement is a JSON object") {
        why: "Each statement is an object of `Effect`, `Action`, `Resource` and the rest; anything else is rejected.",
        fix: "Turn the value into a statement object, or remove it.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": ["ses:GetArchive"]}"#),
    },
    /// `Effect` missing or not `Allow`/`Deny`.
    InvalidEffect = ("E008", "invalid-effect", Error, "`Effect` is `Allow` or `Deny`") {
        why: "`Effect` decides whether the statement allows or denies; IAM accepts only `Allow` and `Deny`, spelt exactly so.",
        fix: r#"Set `"Effect": "Allow"` or `"Effect": "Deny"`."#,
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// Neither `Action` nor `NotAction`.
    MissingAction = ("E009", "missing-action", Error, "a statement has `Action` or `NotAction`") {
        why: "A statement without actions applies to nothing, and IAM rejects it.",
        fix: "Add `Action` with the actions the statement is about.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// Both `Action` and `NotAction`.
    ActionAndNotAction = ("E010", "action-and-not-action", Error, "a statement has `Action` or `NotAction`, not both") {
        why: "`Action` and `NotAction` are two ways of saying which actions a statement covers; IAM rejects a statement with both.",
        fix: "Keep one of them (usually `Action`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ses:DeleteArchive", "NotAction": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// Neither `Resource` nor `NotResource` (outside trust policies).
    MissingResource = ("E011", "missing-resource", Error, "a statement has `Resource` or `NotResource` (except in a trust policy)") {
        why: "Outside trust policies, a statement says which resources it covers; IAM rejects one without `Resource` or `NotResource`.",
        fix: r#"Add `Resource` with the ARNs the actions apply to (`"*"` for actions that accept no resource)."#,
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive"}]}"#),
    },
    /// Both `Resource` and `NotResource`.
    ResourceAndNotResource = ("E012", "resource-and-not-resource", Error, "a statement has `Resource` or `NotResource`, not both") {
        why: "`Resource` and `NotResource` are two ways of saying which resources a statement covers; IAM rejects a statement with both.",
        fix: "Keep one of them (usually `Resource`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ses:DeleteArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*", "NotResource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// `Principal` in an identity policy.
    PrincipalInIdentityPolicy = ("E013", "principal-in-identity-policy", Error, "an identity policy names no `Principal`: it applies to the role or user it is attached to") {
        why: "An identity policy applies to the role, user or group it is attached to; IAM rejects a `Principal` in it. A `Principal` usually means the document is a resource policy linted as the wrong kind.",
        fix: "Remove `Principal`, or lint the document as the kind it is (`--kind key`, `bucket`, ...).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// No `Principal` where one is required.
    MissingPrincipal = ("E014", "missing-principal", Error, "resource, key, bucket, secret and trust policies name a `Principal` in every statement") {
        why: "A resource policy (key, bucket, secret) or a trust policy says who it lets in; a statement without `Principal` is rejected.",
        fix: "Add `Principal`: the account, role or service the statement is for.",
        example: (Bucket, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#),
    },
    /// `Resource` in a trust policy.
    ResourceInTrustPolicy = ("E015", "resource-in-trust-policy", Error, "a trust policy has no `Resource`: the resource is the role") {
        why: "A trust policy is attached to a role and always about that role; IAM rejects a `Resource` in it.",
        fix: "Remove `Resource`.",
        example: (Trust, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/mail-rules"}]}"#),
    },
    /// A key or secret policy with a `Resource` other than `"*"`.
    ResourceNotStar = ("E016", "resource-not-star", Error, "the `Resource` of a key or secret policy is `\"*\"` (the key or secret itself)") {
        why: r#"A key or secret policy is attached to one key or secret and can only be about it: AWS expects `"Resource": "*"`, and an ARN there either fails or means nothing more."#,
        fix: r#"Set `"Resource": "*"`."#,
        example: (Key, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowSes", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*"}}}]}"#),
    },
    /// A `Sid` with characters AWS rejects.
    InvalidSid = ("E017", "invalid-sid", Error, "a `Sid` has only letters and digits (and spaces in key policies)") {
        why: "IAM rejects a `Sid` with characters other than letters and digits (key policies also allow spaces).",
        fix: "Remove the other characters: `ReadArchive` instead of `Read-Archive`.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read-Archive", "Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// Two statements with the same `Sid`.
    DuplicateSid = ("E018", "duplicate-sid", Error, "`Sid`s are unique within a policy") {
        why: "`Sid`s name statements; IAM rejects a policy where two statements share one.",
        fix: "Give each statement its own `Sid`.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadArchive", "Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}, {"Sid": "ReadArchive", "Effect": "Allow", "Action": "ses:SendEmail", "Resource": "arn:aws:ses:us-east-1:111122223333:identity/example.com"}]}"#),
    },
    /// A character outside what AWS accepts.
    InvalidCharacter = ("E019", "invalid-character", Error, "policies hold only tab, newline, carriage return and U+0020 to U+00FF") {
        why: "IAM accepts only tab, newline, carriage return and the characters U+0020 to U+00FF in a policy; anything else (an arrow, a typographic quote pasted from a document) is rejected.",
        fix: "Replace the character with its plain ASCII form.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "mail→ops"}}}]}"#),
    },
    /// Over the size limit of the kind.
    PolicyTooLarge = ("E020", "policy-too-large", Warning, "identity 6,144 characters without white space, trust 2,048, key 32,768 bytes, bucket and secret 20 KB") {
        why: "AWS rejects a policy over the size limit of its kind: identity policies 6,144 characters without white space, trust policies 2,048, key policies 32,768 bytes, bucket and secret policies 20 KB. A warning, as IAM Access Analyzer reports it (`POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA`, `..._RESOURCE_POLICY_QUOTA`): where the policy is attached decides the limit (an inline policy counts toward the role's aggregate of 10,240 characters, a trust policy's limit can be raised), and the document itself is valid.",
        fix: "Split the statements over several policies, or shorten them with wildcards in resource ARNs where that grants nothing more.",
        example: (Trust, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:role/mail-rules-0001", "arn:aws:iam::111122223333:role/mail-rules-0002", "(and 50 more roles, over 2,048 characters in all)"]}, "Action": "sts:AssumeRole"}]}"#),
    },
    /// A value of the wrong JSON type.
    InvalidValue = ("E021", "invalid-value", Error, "elements hold a string or a non-empty list of strings, `Condition` an object of objects") {
        why: "Each element has a type: `Action` and `Resource` hold a string or a non-empty list of strings, `Condition` an object of objects. IAM rejects any other type.",
        fix: r#"Write the value as the element's type: `"ses:GetArchive"`, not `1` or `[]`."#,
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ses:GetArchive", 1], "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// A principal AWS does not accept.
    InvalidPrincipal = ("E022", "invalid-principal", Error, "`Principal` is `\"*\"` or an object of `AWS`, `Service`, `Federated`, `CanonicalUser`") {
        why: r#"IAM accepts `"*"` or an object of `AWS`, `Service`, `Federated` and `CanonicalUser` as principal; anything else is rejected."#,
        fix: r#"Write the principal as `{"Service": "ses.amazonaws.com"}`, `{"AWS": "arn:aws:iam::111122223333:role/name"}`, ..."#,
        example: (Key, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowSes", "Effect": "Allow", "Principal": {"Services": "ses.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*"}}}]}"#),
    },
    /// A trust-policy action that is not an `sts:` action.
    TrustAction = ("E023", "trust-action", Error, "a trust policy allows only `sts:` actions (`sts:AssumeRole`, `sts:TagSession`, ...)") {
        why: "A trust policy says who may assume the role; only `sts:` actions mean anything there.",
        fix: "Keep `sts:AssumeRole` (and `sts:TagSession`, ...); grant other actions in the role's identity policies.",
        example: (Trust, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": ["sts:AssumeRole", "s3:GetObject"]}]}"#),
    },
    /// A bucket-policy resource outside one bucket.
    BucketResource = ("E024", "bucket-resource", Error, "the resources of a bucket policy are one bucket and its objects") {
        why: "A bucket policy is attached to one bucket and grants only on it and its objects; another bucket's or service's ARN is an error.",
        fix: "Keep the bucket's ARN (`arn:aws:s3:::bucket`) and its objects' (`arn:aws:s3:::bucket/*`); grant on other resources in their own policies.",
        example: (Bucket, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::other/*"]}]}"#),
    },
    /// A key repeated in one object.
    DuplicateKey = ("E025", "duplicate-key", Error, "no object of the document holds a key twice") {
        why: "JSON does not say what a repeated key means, and readers differ: most keep the last copy, some the first, some reject the document. A policy with `\"Statement\"` twice, or two `\"Action\"`s in one statement, may grant in AWS what a reviewer (or another tool) does not see; mmpolicy reads the last copy, so none of its other checks looks at the others.",
        fix: "Keep the key once, with every value in it: merge the two `Action` lists into one, or the two `Statement` lists.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Action": "ses:DeleteArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// A service principal value in a condition that is not in a service principal's form.
    ServicePrincipalFormat = ("E026", "service-principal-format", Error, "a condition key that holds service principals (`aws:CalledVia`, `aws:PrincipalServiceName`, ...) is compared with values of the form `service.amazonaws.com`") {
        why: "`aws:CalledVia`, `aws:CalledViaFirst`, `aws:CalledViaLast`, `aws:PrincipalServiceName` and `aws:PrincipalServiceNamesList` hold the service principal of the calling service, one name followed by `.amazonaws.com` (`.amazon.com` for a few services, `.amazonaws.com.cn` in China): a value with another shape never matches, so the condition does not do what it says. IAM Access Analyzer reports it as an error (`INVALID_SERVICE_PRINCIPAL_FORMAT`). Values with a wildcard or a policy variable are not checked.",
        fix: "Write the service principal as AWS names it: `athena.amazonaws.com`, `cloudformation.amazonaws.com`.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*", "Condition": {"ForAnyValue:StringEquals": {"aws:CalledVia": "application-signals.cloudwatch.amazonaws.com"}}}]}"#),
    },
    /// The service prefix is no AWS service.
    UnknownService = ("C001", "unknown-service", Warning, "the action's service prefix is an AWS service") {
        why: "An action of a service that does not exist grants nothing, and is usually a misspelt prefix. When the prefix is within one edit of a known one, the finding is an error that names it, as IAM Access Analyzer's `INVALID_SERVICE_IN_ACTION` is. Otherwise it rests only on the catalog's silence, and the catalog lacks services that AWS's own managed policies still name (retired ones, and new ones before the data lists them): the finding is then a warning that says which data it was checked against, where Access Analyzer, whose list differs, reports an error for the prefixes it does not know.",
        fix: "Correct the service prefix (`ses`, `kms`, `s3`, ...); for a prefix the data does not list, check AWS's service authorization reference, or lint with a newer snapshot (`--catalog`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sesv9:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// A resource ARN of a service the catalog does not know.
    UnknownResourceService = ("C014", "unknown-resource-service", Warning, "the service named in a resource ARN is an AWS service") {
        why: "A resource ARN of a service that does not exist matches no resource, and is usually a misspelt service (`arn:aws:s4:::bucket`). As for `C001`, the finding is an error naming the known service when the name is within one edit of one, like IAM Access Analyzer's `INVALID_SERVICE`; otherwise it rests only on the catalog's silence (retired services, services newer than the data) and is a warning that says which data it was checked against.",
        fix: "Correct the service in the ARN (`arn:aws:s3:::bucket/*`); for a service the data does not list, check AWS's documentation of its ARNs, or lint with a newer snapshot (`--catalog`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s4:::bucket/*"}]}"#),
    },
    /// The action is not in the service.
    UnknownAction = ("C002", "unknown-action", Warning, "the action exists in its service") {
        why: "An action the service does not have grants nothing, so whatever needed it fails with access denied. Within two edits of a known action (`s3:ListBuckets` for `s3:ListBucket`) it is a typo: an error that names the action, as IAM Access Analyzer's `INVALID_ACTION` is. Further away, it rests only on the catalog's silence, and the data lags behind AWS (actions added since, or kept for old clients): a warning that says which data it was checked against, where Access Analyzer reports an error when its own list lacks the action too.",
        fix: "Correct the action's name as suggested; for an action the data does not list, check the service authorization reference, or lint with a newer snapshot (`--catalog`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchives", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// A wildcard that matches no action.
    WildcardMatchesNothing = ("C003", "wildcard-matches-nothing", Error, "an action wildcard matches at least one action") {
        why: "A wildcard that matches no action of the service grants nothing.",
        fix: "Correct the wildcard, or list the actions.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:Zap*", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// A resource that matches none of the action's resource types.
    ResourceMismatch = ("C004", "resource-mismatch", Warning, "each action applies to a resource of the statement, and each resource to an action") {
        why: "AWS authorizes each action against resources of the types it accepts; an action none of whose resource types are in the statement is granted nowhere, and a resource that no action applies to is dead weight. A warning: the policy is valid and grants no more than it says, and the finding rests on the catalog's resource types, which lag behind AWS (IAM Access Analyzer has no such check).",
        fix: "Add the ARN the action needs (`s3:ListBucket` needs the bucket, `s3:GetObject` its objects), or move the action to a statement with that resource.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bucket/*"}]}"#),
    },
    /// A specific ARN on an action that only accepts `"*"`.
    ResourceNeedsStar = ("C005", "resource-needs-star", Warning, "actions that accept no resource type need `\"Resource\": \"*\"`") {
        why: r#"Some actions (`List...` actions, most often) accept no resource type: AWS authorizes them only against `"*"`, and a statement that names ARNs never grants them. The finding rests on the catalog's silence (the data lists no resource type for the action), and the data is incomplete for many create actions, which AWS's own managed policies grant on specific ARNs on purpose (`ssm:CreateOpsItem` on `arn:*:ssm:*:*:opsitem/*`): so it is a warning that names the data's date, where IAM Access Analyzer says nothing."#,
        fix: r#"Check the action in the service authorization reference; if it lists no resource type, move the action to a statement with `"Resource": "*"`."#,
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:ListArchives", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*"}]}"#),
    },
    /// A malformed ARN.
    MalformedArn = ("C006", "malformed-arn", Error, "a resource is `\"*\"` or `arn:partition:service:region:account:resource`") {
        why: "An ARN that is not `arn:partition:service:region:account:resource` matches nothing; placeholders left from an example are the usual cause.",
        fix: "Write the full ARN, with the 12-digit account id and the resource.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses"}]}"#),
    },
    /// A condition operator AWS does not know.
    UnknownOperator = ("C007", "unknown-operator", Error, "condition operators are AWS's (`StringEquals`, `ArnLike`, ..., with `IfExists` and `ForAllValues:`/`ForAnyValue:`)") {
        why: "A condition operator IAM does not know makes the policy invalid.",
        fix: "Use one of AWS's operators (`StringEquals`, `ArnLike`, ...), spelt exactly.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1", "Condition": {"StringEqual": {"aws:ResourceTag/team": "mail"}}}]}"#),
    },
    /// A condition key that exists nowhere.
    UnknownConditionKey = ("C008", "unknown-condition-key", Warning, "a condition key is global or defined by a service") {
        why: "A condition on a key that no request carries is never true in an Allow (and always true in a Deny). Within two edits of a known key it is a typo: an error that names the key, as IAM Access Analyzer's `INVALID_SERVICE_CONDITION_KEY` and `INVALID_GLOBAL_CONDITION_KEY` are. Further away, it rests only on the catalog's silence (keys are added to services before the data lists them): a warning that says which data it was checked against.",
        fix: "Correct the key's name; global keys start with `aws:`, a service's with its prefix. For a key the data does not list, check the service authorization reference, or lint with a newer snapshot (`--catalog`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1", "Condition": {"StringEquals": {"ses:NoSuchKey": "x"}}}]}"#),
    },
    /// A condition key not supported by the statement's actions.
    ConditionKeyNotApplicable = ("C009", "condition-key-not-applicable", Warning, "a service's condition key is supported by the statement's actions or resources") {
        why: "A service's condition key is present only in requests for the actions and resources that support it; on other actions the condition is never met.",
        fix: "Move the condition to the statement of the actions that support the key, or use a global key.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1", "Condition": {"StringEquals": {"kms:ViaService": "ses.us-east-1.amazonaws.com"}}}]}"#),
    },
    /// An operator or value of the wrong type for the key.
    ConditionTypeMismatch = ("C010", "condition-type-mismatch", Warning, "operators and values fit the key's type (Bool, Numeric, Date, IP, ARN)") {
        why: "Each condition key has a type (String, Bool, Numeric, Date, IP address, ARN); an operator or a value of another type never matches. A warning, as IAM Access Analyzer's `TYPE_MISMATCH` is; like Access Analyzer, `ArnLike` and `ArnEquals` on a String key are accepted (they compare it as text).",
        fix: "Use the operator family of the key's type (`Bool` for booleans, `DateGreaterThan` for dates, ...) and a value of that type.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "yes"}}}]}"#),
    },
    /// An action that is not `service:name`.
    MalformedAction = ("C011", "malformed-action", Error, "an action is `service:Name` or `*`") {
        why: "An action is `service:Name` (or `*`); without the service prefix it matches nothing.",
        fix: "Write the action with its service prefix: `ses:GetArchive`.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// `ForAllValues:`/`ForAnyValue:` on a key that carries one value.
    SetOperatorOnSingleValuedKey = ("C012", "set-operator-on-single-valued-key", Warning, "`ForAllValues:`/`ForAnyValue:` compare multi-valued keys (`ArrayOf...`); on a single-valued key they do not mean what they seem") {
        why: "`ForAllValues:` and `ForAnyValue:` compare sets of values; a key that carries one value (such as `aws:RequestTag/team`) needs the plain operator, and with `ForAllValues:` an absent key even matches.",
        fix: "Drop the `ForAllValues:`/`ForAnyValue:` prefix: a plain `StringEquals` with a list already matches any of its values.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:CreateArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*", "Condition": {"ForAnyValue:StringEquals": {"aws:RequestTag/team": ["mail", "ops"]}}}]}"#),
    },
    /// A plain operator on a multi-valued key.
    MissingSetQualifier = ("C013", "missing-set-qualifier", Error, "a multi-valued key (`ArrayOf...`) is compared with `ForAnyValue:` or `ForAllValues:`") {
        why: "A multi-valued key carries a set of values (`aws:TagKeys`, `events:detail-type`); a plain operator does not say whether one value or every value must match, and IAM Access Analyzer rejects it as an error (`MISSING_QUALIFIER`).",
        fix: "Write `ForAnyValue:StringEquals` (one of the request's values is listed) or `ForAllValues:StringEquals` (every value is listed, with a `Null` guard).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:TagResource", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*", "Condition": {"StringEquals": {"aws:TagKeys": "team"}}}]}"#),
    },
    /// A service principal without confused-deputy conditions.
    MissingConfusedDeputyKeys = ("S001", "missing-confused-deputy-keys", Security, "a service principal that supports them is limited by `aws:SourceAccount`/`aws:SourceArn`") {
        why: "A service principal acts for every AWS customer. Without `aws:SourceAccount` and `aws:SourceArn`, any account can make the service use your key, bucket or role on its behalf: the confused-deputy problem.",
        fix: "Add `StringEquals` on `aws:SourceAccount` (your account) and `ArnLike` on `aws:SourceArn` (your Mail Manager resources).",
        example: (Key, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowSes", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}]}"#),
    },
    /// `"*"` as principal without a limiting condition.
    UnconditionedStarPrincipal = ("S002", "unconditioned-star-principal", Security, "`Principal: \"*\"` in an Allow is limited by a condition on the caller") {
        why: r#"`"Principal": "*"` in an Allow grants to everyone, in every account, anonymous callers included, unless a condition limits the caller."#,
        fix: "Name the principals, or add a condition on the caller (`aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:SourceVpce`, ...).",
        example: (Bucket, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#),
    },
    /// Allow with `NotAction`.
    AllowNotAction = ("S003", "allow-not-action", Security, "an Allow does not use `NotAction`: it grants every other action, present and future") {
        why: "An Allow with `NotAction` grants every action but the listed ones, including every action AWS adds later.",
        fix: "List the actions to allow in `Action`.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}"#),
    },
    /// Allow with `NotResource`.
    AllowNotResource = ("S004", "allow-not-resource", Warning, "an Allow does not use `NotResource`: it grants every other resource") {
        why: "An Allow with `NotResource` grants on every resource but the listed ones, in every service and account the actions reach. A warning: AWS's own policies use it on purpose to carve a resource out of a grant, and IAM Access Analyzer has no check for it but with `iam:PassRole` (`PASS_ROLE_WITH_NOT_RESOURCE`), which `S005` reports as a security finding.",
        fix: "List the resources to allow in `Resource`.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "NotResource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// `iam:PassRole` on `"*"`.
    PassRoleOnStar = ("S005", "pass-role-on-star", Security, "`iam:PassRole` names the roles it may pass, not `\"*\"` or `NotResource`, unless `iam:PassedToService` limits it") {
        why: r#"`iam:PassRole` on `"*"` lets the holder hand any role of the account, administrators' included, to a service: a path to privilege escalation. As with IAM Access Analyzer's `PASS_ROLE_WITH_STAR_IN_RESOURCE` (and `..._IN_ACTION_AND_RESOURCE` for `iam:*` or `*`), a condition on `iam:PassedToService` (or `iam:AssociatedResourceArn`) that the request must meet (not `...IfExists`) limits the grant enough: no finding then. `NotResource` with `iam:PassRole` is the same grant (`PASS_ROLE_WITH_NOT_RESOURCE`)."#,
        fix: "Name the roles the holder may pass in `Resource`, or limit the services they may be passed to with `iam:PassedToService` (`StringEquals`, not `StringEqualsIfExists`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}"#),
    },
    /// `ForAllValues` without a guard.
    UnguardedForAllValues = ("S006", "unguarded-for-all-values", Warning, "`ForAllValues` in an Allow is guarded by `Null: false` on the key (an empty set matches)") {
        why: "`ForAllValues:` is true when the request carries no value at all for the key: without a guard, a request without tags passes a condition meant to restrict tags. A warning, not a security finding: IAM Access Analyzer has no security check for it, and the statement grants what its actions and resources say, only without the limit the condition seems to add.",
        fix: r#"Add `"Null": {"<key>": "false"}` beside the condition, so that the key must be present."#,
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:CreateArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}}]}"#),
    },
    /// An IAM group as principal.
    GroupPrincipal = ("S007", "group-principal", Security, "IAM groups cannot be principals") {
        why: "IAM groups are not principals: AWS rejects the policy, or the statement never matches anyone.",
        fix: "Name the roles or users, or grant through an identity policy attached to the group.",
        example: (Bucket, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:group/admins"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#),
    },
    /// A confused-deputy condition on a feature that does not send the keys.
    ConfusedDeputyUnsupported = ("S008", "confused-deputy-unsupported", Warning, "a service principal of a feature that does not send `aws:SourceAccount`/`aws:SourceArn` is not limited by them") {
        why: "Some Mail Manager features (archive export to S3, archive encryption with a customer managed KMS key) do not send `aws:SourceAccount`, `aws:SourceArn` or the organization keys: AWS's *Permission policies for Mail Manager* says archiving \"doesn't support confused deputy condition keys\" (it checks the caller's own access with Forward Access Sessions instead). A condition requiring one of them never holds for these requests, so the grant never applies and the export or the encryption is denied. A statement of these features without them is right, and is not reported (by this rule or by S001).",
        fix: "Remove the `aws:SourceAccount`/`aws:SourceArn` (and `aws:SourceOrgID`/`aws:SourceOrgPaths`) conditions from the statement; keep it to the fewest actions and resources, and watch the key or bucket with CloudTrail.",
        example: (Bucket, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::bucket", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]}"#),
    },
    /// Allow with `NotPrincipal`.
    AllowNotPrincipal = ("S009", "allow-not-principal", Security, "an Allow does not use `NotPrincipal`: it grants everyone else") {
        why: "An Allow with `NotPrincipal` grants to every principal but the listed ones, anonymous callers included.",
        fix: "Name the principals to allow in `Principal`.",
        example: (Bucket, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/r"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#),
    },
    /// A service principal limited by only one of `aws:SourceAccount` and `aws:SourceArn`.
    PartialConfusedDeputyKeys = ("S010", "partial-confused-deputy-keys", Warning, "a service principal limited by `aws:SourceAccount` is also limited by `aws:SourceArn`, and one limited by `aws:SourceArn` alone names the account in it") {
        why: "`aws:SourceAccount` alone lets any resource of your account use the grant. `aws:SourceArn` alone is as safe as both when every ARN names the account (AWS's own documented policies write one exact ARN and no `aws:SourceAccount`): no finding then; it is reported only when an ARN leaves the account open (the account field empty, `*` or a wildcard), which lets other accounts' resources through. AWS recommends both.",
        fix: "Add the missing key: `aws:SourceArn` with your Mail Manager resources, or `aws:SourceAccount` with your account (or name the account in the `aws:SourceArn` pattern).",
        example: (Key, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowSes", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}]}"#),
    },
    /// `StringLike`/`StringNotLike` on an ARN-typed key.
    StringLikeOnArnKey = ("S011", "string-like-on-arn-key", Security, "ARN-typed keys (`aws:PrincipalArn`, `aws:SourceArn`, ...) are compared with `ArnLike`/`ArnNotLike`, not `StringLike`/`StringNotLike`") {
        why: "`StringLike` compares an ARN as text: its `*` also matches across the ARN's `:` fields, so a pattern meant for one account or service can match another's ARN. IAM Access Analyzer reports it as a security warning (`STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS`).",
        fix: "Use `ArnLike` (or `ArnNotLike`), which matches each field of the ARN on its own.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1", "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/mail-*"}}}]}"#),
    },
    /// `svc:*` or `*` on every resource.
    WildcardActionOnAllResources = ("S012", "wildcard-action-on-all-resources", Security, "an Allow does not grant every action of a service (`svc:*`), or every action (`*`), on every resource (`\"*\"`, or an ARN whose resource part is `*`)") {
        why: r#"`"Action": "s3:*"` on `"Resource": "*"` grants every action of the service, on every resource of every account the holder can reach, and every action AWS adds to the service later; `"Action": "*"` on `"*"` is full administrator access. IAM Access Analyzer's policy validation has no such check (its security warnings are about `iam:PassRole`, ARN operators and the like; it lists no finding for a wildcard action on all resources), so it passes these policies clean. The service prefix is compared without case, as IAM does (`S3:*` is `s3:*`). Not checked in key and secret policies, where `"*"` is the key or secret itself and AWS's default key policy grants `kms:*` to the account. A check of the policies you write: AWS's managed full-access and administrator policies (`AmazonS3FullAccess`, `AdministratorAccess`) grant exactly this by design, and AWS Security Hub scopes its own checks of these grants the same way (`IAM.1`, full administrator access, and `IAM.21`, wildcard actions for services, look at customer managed policies only). So the calibration of the rules against AWS's managed policies counts `S012` apart; to lint managed policies you attach but cannot change, give `--ignore S012`."#,
        fix: "List the actions the holder needs (`s3:GetObject`, `s3:PutObject`) and name the resources they act on (`arn:aws:s3:::bucket/*`).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]}"#),
    },
    /// A specific action on every resource of its service.
    ActionOnEveryResource = ("S013", "action-on-every-resource", Warning, "an action is not granted on an ARN that names every resource of its service (`arn:aws:s3:::*`)") {
        why: r#"`s3:GetObject` on `arn:aws:s3:::*` reaches every object of every bucket, in any account whose bucket policy lets the holder in: an ARN whose resource part is only `*` names no resource in particular. A warning: the actions are named, and some grants are meant to be this wide. Actions that accept no resource type are skipped, since AWS authorizes them only against `"*"` (see `C005`); `"Resource": "*"` itself is not reported for named actions (AWS's managed policies use it everywhere), only the ARN form that looks narrower than it is."#,
        fix: "Name the resources in the ARN: `arn:aws:s3:::bucket/*`, `arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1`.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*"}]}"#),
    },
    /// A key policy that lets no one of the account manage the key.
    KeyWithoutAdministrator = ("S014", "key-without-administrator", Warning, "a key policy lets the account, or an administrator role or user of it, manage the key (`kms:PutKeyPolicy`, or `kms:*`)") {
        why: r#"A key policy is the only thing that grants access to a KMS key: IAM policies count only when the key policy lets the account in. A key policy of service statements alone (SES may decrypt) leaves nobody able to change the policy, grant access or schedule the key's deletion: the account is locked out, and only AWS Support can help. KMS refuses such a policy unless its lockout safety check is bypassed. AWS's default key policy grants `kms:*` to `arn:aws:iam::ACCOUNT:root`; the rule is met by an Allow that grants `kms:PutKeyPolicy` (or a wildcard that covers it, `kms:*`, `*`) to the account root, the account id, or an IAM role or user of an account. A list of statements (`[{...}]`, as mmpolicy writes key policies to merge) is not checked: the policy it is merged into keeps its own administrator statement; lint the merged policy to be sure. A warning: a document may still be meant for merging into a policy that has one."#,
        fix: r#"Keep the key's existing administrator statement: merge these statements into its policy (`mmpolicy merge`), or add AWS's default statement, `{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}`."#,
        example: (Key, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowSes", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*"}}}]}"#),
    },
    /// Two identical statements.
    DuplicateStatement = ("U001", "duplicate-statement", Suggestion, "no statement repeats another") {
        why: "A statement that repeats another adds nothing but length, and a later edit to one copy leaves the other behind.",
        fix: "Remove the copy.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadArchive", "Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}, {"Sid": "Again", "Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// An action listed twice, or covered by a wildcard of the same statement.
    DuplicateAction = ("U002", "duplicate-action", Suggestion, "no action is listed twice or covered by a wildcard beside it") {
        why: "An action listed twice, or already covered by a wildcard beside it, adds nothing.",
        fix: "Remove the repeated action.",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ses:GetArchive", "ses:getarchive"], "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
    /// Two statements that can merge.
    MergeableStatements = ("U003", "mergeable-statements", Suggestion, "statements that differ only in actions (or only in resources), not both named by a `Sid`, are one statement") {
        why: "Two statements that differ only in their actions (or only in their resources) are one statement written twice; merging them keeps the policy short and its grants in one place. Not when both have a `Sid`: named statements are kept apart on purpose (each `Sid` says what its grant is for, as mmpolicy's own policies do), and tools that update a policy by `Sid` (`mmpolicy merge`, AWS's documented key-policy edits) need them apart.",
        fix: "Merge them: one statement with both lists of actions (or of resources).",
        example: (Identity, r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}, {"Effect": "Allow", "Action": "ses:UpdateArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#),
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.name())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A policy that a rule finds fault with, for its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// The kind to lint it as.
    pub kind: PolicyKind,
    /// The policy, as compact JSON.
    pub text: &'static str,
}

impl Example {
    /// The policy, pretty-printed (as written when it does not parse, or when it repeats a
    /// key, which printing the parsed value would drop).
    pub fn pretty(&self) -> String {
        if !crate::duplicates::find(self.text).is_empty() {
            return self.text.to_owned();
        }
        serde_json::from_str::<serde_json::Value>(self.text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| self.text.to_owned())
    }
}

/// The rules document, relative to the repository's root.
pub const DOCS_PATH: &str = "docs/lint-rules.md";

impl Rule {
    /// The rule with this code (`C005`, any case) or name (`resource-needs-star`).
    pub fn find(code_or_name: &str) -> Option<Rule> {
        let wanted = code_or_name.trim();
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(wanted) || r.name() == wanted)
    }

    /// Up to three rules whose code or name is close to `code_or_name`, closest first.
    pub fn closest(code_or_name: &str) -> Vec<Rule> {
        let wanted = code_or_name.trim().to_ascii_uppercase();
        let lower = wanted.to_ascii_lowercase();
        let mut scored: Vec<(usize, Rule)> = Rule::ALL
            .iter()
            .filter_map(|r| {
                let by_code = edit_distance(&wanted, r.code());
                let by_name = edit_distance(&lower, r.name());
                // Codes are close within two edits; names, being long, within one in four
                // characters.
                let close = by_code <= 2 || by_name <= r.name().len() / 4;
                close.then_some((by_code.min(by_name), *r))
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, r)| r).collect()
    }

    /// The anchor of the rule's section in [`DOCS_PATH`] (`c005-resource-needs-star`): the
    /// section's heading is `CODE name`, and this is the anchor GitHub gives it.
    pub fn anchor(self) -> String {
        format!("{}-{}", self.code().to_ascii_lowercase(), self.name())
    }

    /// The URL of the rule's documentation: its section of [`DOCS_PATH`] in the repository.
    pub fn help_uri(self) -> String {
        format!(
            "{}/blob/main/{DOCS_PATH}#{}",
            env!("CARGO_PKG_REPOSITORY"),
            self.anchor()
        )
    }

    /// The rule's documentation as Markdown, without its heading: the severity and what it
    /// checks, why it matters, an example, the fix.
    pub fn help_markdown(self) -> String {
        let example = self.example();
        format!(
            "Severity: `{severity}`. Rule: {summary}.\n\n\
             **Why it matters.** {why}\n\n\
             **Example** (linted with `--kind {kind}`):\n\n\
             ```json\n{pretty}\n```\n\n\
             **Fix.** {fix}\n",
            severity = self.severity(),
            summary = self.summary(),
            why = self.why(),
            kind = example.kind,
            pretty = example.pretty(),
            fix = self.fix(),
        )
    }

    /// The rule's documentation as plain text: what `mmpolicy lint --explain` prints.
    pub fn help_text(self) -> String {
        let example = self.example();
        let indented: String = example
            .pretty()
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect();
        format!(
            "{code} {name} ({severity})\n\n\
             Rule: {summary}.\n\n\
             Why it matters: {why}\n\n\
             Example (linted with --kind {kind}):\n\n\
             {indented}\n\
             Fix: {fix}\n\n\
             More: {uri}\n",
            code = self.code(),
            name = self.name(),
            severity = self.severity(),
            summary = plain(self.summary()),
            why = plain(self.why()),
            kind = example.kind,
            fix = plain(self.fix()),
            uri = self.help_uri(),
        )
    }
}

/// Markdown prose as plain text: code spans lose their backticks.
pub fn plain(markdown: &str) -> String {
    markdown.replace('`', "")
}

/// The Levenshtein distance between `a` and `b`, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Which rules a run reports, from `--select` and `--ignore` lists: each item a code (`C005`,
/// any case), a rule name (`resource-needs-star`), a code prefix that selects a group (`S`,
/// `C0`), or `ALL`. Without `select`, every rule is selected; `ignore` then drops rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    selected: Vec<Rule>,
}

impl Default for Selection {
    fn default() -> Self {
        Selection {
            selected: Rule::ALL.to_vec(),
        }
    }
}

impl Selection {
    /// The selection of `select` (every rule when empty) minus `ignore`. Items may be comma
    /// lists (`S001,S010`). An item that names no rule is an error that names the closest.
    pub fn new<S: AsRef<str>>(select: &[S], ignore: &[S]) -> Result<Selection, String> {
        let select = expand(select)?;
        let ignore = expand(ignore)?;
        let selected = Rule::ALL
            .iter()
            .copied()
            .filter(|r| (select.is_empty() || select.contains(r)) && !ignore.contains(r))
            .collect();
        Ok(Selection { selected })
    }

    /// Whether `rule` is selected.
    pub fn contains(&self, rule: Rule) -> bool {
        self.selected.contains(&rule)
    }

    /// The report with only the findings of selected rules.
    pub fn apply(&self, report: &mut crate::Report) {
        report.findings.retain(|f| self.contains(f.rule));
    }
}

/// The rules the items name, or an error for the first that names none.
fn expand<S: AsRef<str>>(items: &[S]) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for item in items
        .iter()
        .flat_map(|i| i.as_ref().split(','))
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        if let Some(rule) = Rule::find(item) {
            rules.push(rule);
            continue;
        }
        let upper = item.to_ascii_uppercase();
        let group: Vec<Rule> = Rule::ALL
            .iter()
            .copied()
            .filter(|r| upper == "ALL" || r.code().starts_with(&upper))
            .collect();
        if group.is_empty() {
            let closest: Vec<String> = Rule::closest(item)
                .iter()
                .map(|r| format!("`{}` ({})", r.code(), r.name()))
                .collect();
            let hint = if closest.is_empty() {
                "give codes such as `C005`, names such as `resource-needs-star`, or prefixes such as `S` (`mmpolicy lint --explain CODE` describes each)".to_owned()
            } else {
                format!("did you mean {}?", closest.join(", "))
            };
            return Err(format!("unknown rule `{item}`: {hint}"));
        }
        rules.extend(group);
    }
    Ok(rules)
}

//! Every check, with its stable code, name, severity and a one-line summary. The codes are
//! `E` grammar, `C` catalog, `S` security, `U` suggestions; they never change meaning.

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
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $name:literal, $sev:ident, $summary:literal), )*) => {
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

            /// What it checks, in one line.
            pub fn summary(self) -> &'static str {
                match self { $( Rule::$variant => $summary, )* }
            }
        }
    };
}

rules! {
    /// The document is not a JSON object.
    NotAnObject = ("E001", "not-an-object", Error, "a policy document is a JSON object"),
    /// No `Version`.
    MissingVersion = ("E002", "missing-version", Warning, "`Version` should be `2012-10-17`; without it policy variables are not expanded"),
    /// A `Version` AWS does not know.
    InvalidVersion = ("E003", "invalid-version", Error, "`Version` is `2012-10-17` (or the old `2008-10-17`)"),
    /// `Version` `2008-10-17`.
    OldVersion = ("E004", "old-version", Warning, "`Version` `2008-10-17` does not expand policy variables"),
    /// An element that is not part of the grammar.
    UnknownElement = ("E005", "unknown-element", Error, "only `Version`, `Id` and `Statement` at the top; `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource`, `Condition` in a statement"),
    /// No `Statement`, or not an object or a list of objects.
    MissingStatement = ("E006", "missing-statement", Error, "`Statement` is a statement or a non-empty list of statements"),
    /// A statement that is not an object.
    StatementNotObject = ("E007", "statement-not-object", Error, "each statement is a JSON object"),
    /// `Effect` missing or not `Allow`/`Deny`.
    InvalidEffect = ("E008", "invalid-effect", Error, "`Effect` is `Allow` or `Deny`"),
    /// Neither `Action` nor `NotAction`.
    MissingAction = ("E009", "missing-action", Error, "a statement has `Action` or `NotAction`"),
    /// Both `Action` and `NotAction`.
    ActionAndNotAction = ("E010", "action-and-not-action", Error, "a statement has `Action` or `NotAction`, not both"),
    /// Neither `Resource` nor `NotResource` (outside trust policies).
    MissingResource = ("E011", "missing-resource", Error, "a statement has `Resource` or `NotResource` (except in a trust policy)"),
    /// Both `Resource` and `NotResource`.
    ResourceAndNotResource = ("E012", "resource-and-not-resource", Error, "a statement has `Resource` or `NotResource`, not both"),
    /// `Principal` in an identity policy.
    PrincipalInIdentityPolicy = ("E013", "principal-in-identity-policy", Error, "an identity policy names no `Principal`: it applies to the role or user it is attached to"),
    /// No `Principal` where one is required.
    MissingPrincipal = ("E014", "missing-principal", Error, "resource, key, bucket, secret and trust policies name a `Principal` in every statement"),
    /// `Resource` in a trust policy.
    ResourceInTrustPolicy = ("E015", "resource-in-trust-policy", Error, "a trust policy has no `Resource`: the resource is the role"),
    /// A key or secret policy with a `Resource` other than `"*"`.
    ResourceNotStar = ("E016", "resource-not-star", Error, "the `Resource` of a key or secret policy is `\"*\"` (the key or secret itself)"),
    /// A `Sid` with characters AWS rejects.
    InvalidSid = ("E017", "invalid-sid", Error, "a `Sid` has only letters and digits (and spaces in key policies)"),
    /// Two statements with the same `Sid`.
    DuplicateSid = ("E018", "duplicate-sid", Error, "`Sid`s are unique within a policy"),
    /// A character outside what AWS accepts.
    InvalidCharacter = ("E019", "invalid-character", Error, "policies hold only tab, newline, carriage return and U+0020 to U+00FF"),
    /// Over the size limit of the kind.
    PolicyTooLarge = ("E020", "policy-too-large", Error, "identity 6,144 characters without white space, trust 2,048, key 32,768 bytes, bucket and secret 20 KB"),
    /// A value of the wrong JSON type.
    InvalidValue = ("E021", "invalid-value", Error, "elements hold a string or a non-empty list of strings, `Condition` an object of objects"),
    /// A principal AWS does not accept.
    InvalidPrincipal = ("E022", "invalid-principal", Error, "`Principal` is `\"*\"` or an object of `AWS`, `Service`, `Federated`, `CanonicalUser`"),
    /// A trust-policy action that is not an `sts:` action.
    TrustAction = ("E023", "trust-action", Error, "a trust policy allows only `sts:` actions (`sts:AssumeRole`, `sts:TagSession`, ...)"),
    /// A bucket-policy resource outside one bucket.
    BucketResource = ("E024", "bucket-resource", Error, "the resources of a bucket policy are one bucket and its objects"),
    /// The service prefix is no AWS service.
    UnknownService = ("C001", "unknown-service", Error, "the action's service prefix is an AWS service"),
    /// The action is not in the service.
    UnknownAction = ("C002", "unknown-action", Error, "the action exists in its service"),
    /// A wildcard that matches no action.
    WildcardMatchesNothing = ("C003", "wildcard-matches-nothing", Error, "an action wildcard matches at least one action"),
    /// A resource that matches none of the action's resource types.
    ResourceMismatch = ("C004", "resource-mismatch", Error, "each action applies to a resource of the statement, and each resource to an action"),
    /// A specific ARN on an action that only accepts `"*"`.
    ResourceNeedsStar = ("C005", "resource-needs-star", Error, "actions that accept no resource type need `\"Resource\": \"*\"`"),
    /// A malformed ARN.
    MalformedArn = ("C006", "malformed-arn", Error, "a resource is `\"*\"` or `arn:partition:service:region:account:resource`"),
    /// A condition operator AWS does not know.
    UnknownOperator = ("C007", "unknown-operator", Error, "condition operators are AWS's (`StringEquals`, `ArnLike`, ..., with `IfExists` and `ForAllValues:`/`ForAnyValue:`)"),
    /// A condition key that exists nowhere.
    UnknownConditionKey = ("C008", "unknown-condition-key", Error, "a condition key is global or defined by a service"),
    /// A condition key not supported by the statement's actions.
    ConditionKeyNotApplicable = ("C009", "condition-key-not-applicable", Warning, "a service's condition key is supported by the statement's actions or resources"),
    /// An operator or value of the wrong type for the key.
    ConditionTypeMismatch = ("C010", "condition-type-mismatch", Error, "operators and values fit the key's type (Bool, Numeric, Date, IP, ARN)"),
    /// An action that is not `service:name`.
    MalformedAction = ("C011", "malformed-action", Error, "an action is `service:Name` or `*`"),
    /// `ForAllValues:`/`ForAnyValue:` on a key that carries one value.
    SetOperatorOnSingleValuedKey = ("C012", "set-operator-on-single-valued-key", Warning, "`ForAllValues:`/`ForAnyValue:` compare multi-valued keys (`ArrayOf...`); on a single-valued key they do not mean what they seem"),
    /// A service principal without confused-deputy conditions.
    MissingConfusedDeputyKeys = ("S001", "missing-confused-deputy-keys", Security, "a service principal that supports them is limited by `aws:SourceAccount`/`aws:SourceArn`"),
    /// `"*"` as principal without a limiting condition.
    UnconditionedStarPrincipal = ("S002", "unconditioned-star-principal", Security, "`Principal: \"*\"` in an Allow is limited by a condition on the caller"),
    /// Allow with `NotAction`.
    AllowNotAction = ("S003", "allow-not-action", Security, "an Allow does not use `NotAction`: it grants every other action, present and future"),
    /// Allow with `NotResource`.
    AllowNotResource = ("S004", "allow-not-resource", Security, "an Allow does not use `NotResource`: it grants every other resource"),
    /// `iam:PassRole` on `"*"`.
    PassRoleOnStar = ("S005", "pass-role-on-star", Security, "`iam:PassRole` names the roles it may pass, not `\"*\"`"),
    /// `ForAllValues` without a guard.
    UnguardedForAllValues = ("S006", "unguarded-for-all-values", Security, "`ForAllValues` in an Allow is guarded by `Null: false` on the key (an empty set matches)"),
    /// An IAM group as principal.
    GroupPrincipal = ("S007", "group-principal", Security, "IAM groups cannot be principals"),
    /// A service principal whose feature does not support confused-deputy conditions.
    ConfusedDeputyUnsupported = ("S008", "confused-deputy-unsupported", Suggestion, "a service principal without `aws:SourceAccount`/`aws:SourceArn`, for a feature that does not support them"),
    /// Allow with `NotPrincipal`.
    AllowNotPrincipal = ("S009", "allow-not-principal", Security, "an Allow does not use `NotPrincipal`: it grants everyone else"),
    /// A service principal limited by only one of `aws:SourceAccount` and `aws:SourceArn`.
    PartialConfusedDeputyKeys = ("S010", "partial-confused-deputy-keys", Warning, "a service principal limited by `aws:SourceAccount` is also limited by `aws:SourceArn`, and the other way round (AWS recommends both)"),
    /// Two identical statements.
    DuplicateStatement = ("U001", "duplicate-statement", Suggestion, "no statement repeats another"),
    /// An action listed twice, or covered by a wildcard of the same statement.
    DuplicateAction = ("U002", "duplicate-action", Suggestion, "no action is listed twice or covered by a wildcard beside it"),
    /// Two statements that can merge.
    MergeableStatements = ("U003", "mergeable-statements", Suggestion, "statements that differ only in actions (or only in resources) are one statement"),
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

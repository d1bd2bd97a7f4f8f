//! Who makes the request, and how a `Principal` element names it.
//!
//! AWS, "AWS JSON policy elements: Principal": an account id or `arn:aws:iam::ACCOUNT:root`
//! names the account, which delegates to its administrators: the principals of the account
//! then also need an identity policy that allows (this crate calls that an account-level
//! match). A role ARN matches the role's sessions
//! (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`). `{"Service": ...}` names an AWS
//! service; `"*"` names everyone.

use std::fmt;
use std::str::FromStr;

use crate::EvalError;

/// The principal that makes a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Principal {
    /// The account itself (its root user): `123456789012` or `arn:aws:iam::123456789012:root`.
    Account {
        /// The partition (`aws`).
        partition: String,
        /// The 12-digit account id.
        account: String,
    },
    /// An IAM user: `arn:aws:iam::123456789012:user/path/name`.
    User {
        /// The user's ARN.
        arn: String,
        /// The partition (`aws`).
        partition: String,
        /// The 12-digit account id.
        account: String,
    },
    /// An IAM role (as a principal it stands for its sessions):
    /// `arn:aws:iam::123456789012:role/path/name`.
    Role {
        /// The role's ARN.
        arn: String,
        /// The partition (`aws`).
        partition: String,
        /// The 12-digit account id.
        account: String,
        /// The role's name, without its path.
        name: String,
    },
    /// A session of an assumed role: `arn:aws:sts::123456789012:assumed-role/ROLE/SESSION`.
    AssumedRole {
        /// The session's ARN.
        arn: String,
        /// The partition (`aws`).
        partition: String,
        /// The 12-digit account id.
        account: String,
        /// The role's name.
        role: String,
        /// The session's name.
        session: String,
    },
    /// An AWS service: `ses.amazonaws.com`.
    Service {
        /// The service principal's name.
        name: String,
    },
}

impl Principal {
    /// Reads a principal: an account id, an IAM ARN (`:root`, `:user/...`, `:role/...`), a
    /// role session ARN, or a service principal name.
    pub fn parse(text: &str) -> Result<Principal, EvalError> {
        let invalid = |reason: &str| EvalError::InvalidPrincipal {
            value: text.to_owned(),
            reason: reason.to_owned(),
        };
        if is_account_id(text) {
            return Ok(Principal::Account {
                partition: "aws".into(),
                account: text.into(),
            });
        }
        if let Some(rest) = text.strip_prefix("arn:") {
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            let [partition, service, region, account, resource] = parts[..] else {
                return Err(invalid("an ARN has six colon-separated parts"));
            };
            if service != "iam" && service != "sts" {
                return Err(invalid("the ARN is not of IAM or STS"));
            }
            if partition.is_empty() {
                return Err(invalid("the partition is empty"));
            }
            if !region.is_empty() {
                return Err(invalid("IAM and STS ARNs have an empty region"));
            }
            if !is_account_id(account) {
                return Err(invalid("the account is not 12 digits"));
            }
            let (partition, account) = (partition.to_owned(), account.to_owned());
            let arn = text.to_owned();
            return match (service, resource) {
                ("iam", "root") => Ok(Principal::Account { partition, account }),
                ("iam", r) if r.starts_with("user/") && r.len() > 5 && !r.ends_with('/') => {
                    Ok(Principal::User {
                        arn,
                        partition,
                        account,
                    })
                }
                ("iam", r) if r.starts_with("role/") && r.len() > 5 && !r.ends_with('/') => {
                    let name = r.rsplit('/').next().unwrap_or_default().to_owned();
                    Ok(Principal::Role {
                        arn,
                        partition,
                        account,
                        name,
                    })
                }
                ("sts", r) => {
                    let mut parts = r.splitn(3, '/');
                    match (parts.next(), parts.next(), parts.next()) {
                        (Some("assumed-role"), Some(role), Some(session))
                            if !role.is_empty() && !session.is_empty() =>
                        {
                            Ok(Principal::AssumedRole {
                                arn: arn.clone(),
                                partition,
                                account,
                                role: role.to_owned(),
                                session: session.to_owned(),
                            })
                        }
                        _ => Err(invalid("an STS principal is `assumed-role/ROLE/SESSION`")),
                    }
                }
                ("iam", _) => Err(invalid(
                    "an IAM principal is `root`, `user/NAME` or `role/NAME`",
                )),
                _ => Err(invalid("the ARN is not of IAM or STS")),
            };
        }
        let is_service = text.contains('.')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        if is_service {
            return Ok(Principal::Service {
                name: text.to_owned(),
            });
        }
        Err(invalid("it is none of these forms"))
    }

    /// The principal's account; `None` for a service.
    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::Account { account, .. }
            | Principal::User { account, .. }
            | Principal::Role { account, .. }
            | Principal::AssumedRole { account, .. } => Some(account),
            Principal::Service { .. } => None,
        }
    }

    /// Whether it is an AWS service (which has no identity policies).
    pub fn is_service(&self) -> bool {
        matches!(self, Principal::Service { .. })
    }

    fn partition(&self) -> Option<&str> {
        match self {
            Principal::Account { partition, .. }
            | Principal::User { partition, .. }
            | Principal::Role { partition, .. }
            | Principal::AssumedRole { partition, .. } => Some(partition),
            Principal::Service { .. } => None,
        }
    }
}

impl FromStr for Principal {
    type Err = EvalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Principal::parse(s)
    }
}

impl fmt::Display for Principal {
    /// The ARN, `arn:PARTITION:iam::ACCOUNT:root` for the account, the name for a service.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Account { partition, account } => {
                write!(f, "arn:{partition}:iam::{account}:root")
            }
            Principal::User { arn, .. }
            | Principal::Role { arn, .. }
            | Principal::AssumedRole { arn, .. } => f.write_str(arn),
            Principal::Service { name } => f.write_str(name),
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// How a `Principal` element names the request's principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum PrincipalMatch {
    /// Not named.
    None,
    /// Named through its account (`123456789012`, `:root`): the account delegates, so an
    /// identity policy must allow too.
    Account,
    /// Named itself (or `*`).
    Direct,
}

/// A `Principal`/`NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PrincipalElement {
    /// `"*"`.
    Everyone,
    /// `{"AWS": [...], "Service": [...], ...}`.
    Map {
        aws: Vec<String>,
        service: Vec<String>,
        /// `Federated` and `CanonicalUser` entries: never a match for the principals this
        /// crate evaluates.
        other: Vec<String>,
    },
}

impl PrincipalElement {
    /// How this element names `principal`.
    pub(crate) fn matches(&self, principal: &Principal) -> PrincipalMatch {
        match self {
            PrincipalElement::Everyone => PrincipalMatch::Direct,
            PrincipalElement::Map { aws, service, .. } => {
                let mut best = PrincipalMatch::None;
                for name in service {
                    if let Principal::Service { name: p } = principal {
                        if name.eq_ignore_ascii_case(p) {
                            return PrincipalMatch::Direct;
                        }
                    }
                }
                for name in aws {
                    best = best.max(aws_matches(name, principal));
                }
                best
            }
        }
    }
}

/// How one `AWS` entry names `principal`.
fn aws_matches(name: &str, principal: &Principal) -> PrincipalMatch {
    // AWS, "AWS JSON policy elements: Principal", all principals: `{"AWS": "*"}` is
    // equivalent to `"*"`, services included.
    if name == "*" {
        return PrincipalMatch::Direct;
    }
    if principal.is_service() {
        return PrincipalMatch::None;
    }
    let (Some(partition), Some(account)) = (principal.partition(), principal.account()) else {
        return PrincipalMatch::None;
    };
    let named_account = if is_account_id(name) {
        Some(name)
    } else {
        name.strip_prefix("arn:")
            .and_then(|r| r.strip_prefix(partition))
            .and_then(|r| r.strip_prefix(":iam::"))
            .and_then(|r| r.strip_suffix(":root"))
    };
    if let Some(named) = named_account {
        return match principal {
            _ if named != account => PrincipalMatch::None,
            Principal::Account { .. } => PrincipalMatch::Direct,
            _ => PrincipalMatch::Account,
        };
    }
    match principal {
        Principal::Account { .. } | Principal::Service { .. } => PrincipalMatch::None,
        Principal::User { arn, .. } | Principal::Role { arn, .. } if arn == name => {
            PrincipalMatch::Direct
        }
        Principal::AssumedRole { arn, .. } if arn == name => PrincipalMatch::Direct,
        Principal::AssumedRole { role, .. } => {
            // A role ARN (with any path) names the role's sessions.
            let prefix = format!("arn:{partition}:iam::{account}:role/");
            match name.strip_prefix(&prefix) {
                Some(path) if path.rsplit('/').next() == Some(role.as_str()) => {
                    PrincipalMatch::Direct
                }
                _ => PrincipalMatch::None,
            }
        }
        Principal::User { .. } | Principal::Role { .. } => PrincipalMatch::None,
    }
}

//! The one error type of the crate: what is wrong with a policy, a principal, a context entry
//! or the policy set, and where.

/// Failure to read a policy, a principal or a context entry, or to evaluate a policy set.
///
/// Every message is one lowercase line that names what is wrong and where: policy errors carry
/// the JSON pointer of the element (`/Statement/1/Condition/StringEqualz`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The policy text is not JSON.
    #[error("the policy is not valid JSON at line {line} column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser says.
        message: String,
    },
    /// The policy does not have IAM's shape.
    #[error("malformed policy at `{pointer}`: {message}")]
    Malformed {
        /// Where, as a JSON pointer (`""` is the whole document).
        pointer: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// A condition operator IAM does not have.
    #[error(
        "unknown condition operator `{operator}` at `{pointer}`: expected one of IAM's operators such as `StringEquals`, `ArnLike` or `NumericLessThan`, optionally with `ForAnyValue:`/`ForAllValues:` before it or `IfExists` after it"
    )]
    UnknownOperator {
        /// Where, as a JSON pointer.
        pointer: String,
        /// The operator as written.
        operator: String,
    },
    /// A condition value that the operator cannot compare (`NumericEquals` on `ten`).
    #[error("wrong value type at `{pointer}`: `{value}` is not {expected}")]
    WrongType {
        /// Where, as a JSON pointer.
        pointer: String,
        /// The value as written.
        value: String,
        /// What the operator needs (`a number`, `a date`, ...).
        expected: &'static str,
    },
    /// A principal string that is none of the forms the evaluator knows.
    #[error(
        "invalid principal `{value}`: {reason}; expected an account id (`123456789012`), an IAM ARN (`arn:aws:iam::123456789012:role/name`, `:user/name`, `:root`), a role session (`arn:aws:sts::123456789012:assumed-role/role/session`) or a service (`ses.amazonaws.com`)"
    )]
    InvalidPrincipal {
        /// The principal as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A context entry or value that is not of its key's type.
    #[error("invalid context entry `{entry}`: {reason}")]
    InvalidContext {
        /// The entry as given (`KEY=VALUE`, or the key and value).
        entry: String,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// A policy that cannot be used where it was put (a `Principal` in an identity policy).
    #[error("policy `{label}`: {message}")]
    Misplaced {
        /// The policy's label in the set.
        label: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl EvalError {
    pub(crate) fn malformed(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        EvalError::Malformed {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

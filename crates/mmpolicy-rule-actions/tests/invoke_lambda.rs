//! `rule-actions.invoke-lambda`: the one function, and the API reference quoted word for word.

use mmpolicy_core::Provider;
use mmpolicy_rule_actions::InvokeLambda;

/// The words of the Mail Manager API reference (`LambdaAction.RoleArn`).
const API_REFERENCE: &str =
    "\"The Amazon Resource Name (ARN) of the IAM role to use to invoke the Lambda function\"";

#[test]
fn description_and_source_quote_the_api_reference_exactly() {
    for (what, text) in [
        ("description", InvokeLambda::DESCRIPTION),
        ("source", InvokeLambda::SOURCE),
    ] {
        assert!(text.contains(API_REFERENCE), "{what}: {text}");
        assert!(
            !text.contains("must be able to invoke"),
            "{what} paraphrases the API reference: {text}"
        );
    }
}

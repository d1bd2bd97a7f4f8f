//! What the Invoke Lambda rule action needs: `rule-actions.invoke-lambda`.

use crate::FEATURE;
use crate::place::{ROLE, by_role};
use crate::types::*;
use mmpolicy_core::types::example;
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `rule-actions.invoke-lambda`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvokeLambdaParams {
    /// The Lambda function the action invokes, exactly as the rule names it (a qualified ARN
    /// allows only that version or alias).
    pub function_arn: LambdaFunctionArn,
}

/// `rule-actions.invoke-lambda`: what the Invoke Lambda action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvokeLambda;

impl Provider for InvokeLambda {
    type Params = InvokeLambdaParams;
    const ID: &'static str = "rule-actions.invoke-lambda";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Invoke Lambda rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        invokes a Lambda function: it allows `lambda:InvokeFunction` on the one function.\n\n\
        Not on AWS's reference page: its facts come from the Mail Manager API reference \
        (`LambdaAction`, whose `RoleArn` is \"The Amazon Resource Name (ARN) of the IAM role to \
        use to invoke the Lambda function\") and the Service Authorization Reference for AWS \
        Lambda.\n\n\
        Regions: a function of another region than the rule set's is accepted: \
        `InvokeLambdaAction` takes a function ARN, whose pattern allows every region, AWS's \
        Mail Manager pages do not require the rule set's region (the same-region rule of SES \
        receipt rules, *Invoke Lambda function action*, is about the older receiving rules), \
        and Lambda is invoked by ARN from any region.";
    const SOURCE: &'static str = "Mail Manager API reference, `LambdaAction` (`RoleArn`: \"The Amazon Resource Name (ARN) of the IAM role to use to invoke the Lambda function\"); Service Authorization Reference for AWS Lambda (`InvokeFunction` requires the `function` resource type); Mail Manager API reference, `InvokeLambdaAction` (`FunctionArn` pattern); Amazon SES Developer Guide, *Invoke Lambda function action* (receipt rules only).";
    const CORRECTIONS: &'static [&'static str] = &[];

    fn example() -> InvokeLambdaParams {
        InvokeLambdaParams {
            function_arn: example::parse(
                "arn:aws:lambda:us-east-1:111122223333:function:classify-inbound-mail",
            ),
        }
    }

    fn render(p: &InvokeLambdaParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::one(
            Statement::allow()
                .sid("InvokeLambda")
                .actions(&["lambda:InvokeFunction"])
                .resources([p.function_arn.as_str().to_owned()]),
        ))
    }

    fn required_requests(p: &InvokeLambdaParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let function = p.function_arn.as_str();
        let another = match function.rsplit_once(':') {
            Some((head, _)) => format!("{head}:another-function"),
            None => String::new(),
        };
        Ok(by_role(
            vec![
                ExpectedRequest::allow(
                    ROLE,
                    "lambda:InvokeFunction",
                    function,
                    "invoke the function",
                ),
                ExpectedRequest::deny(
                    ROLE,
                    "lambda:InvokeFunction",
                    another,
                    "another function of the account",
                ),
                ExpectedRequest::deny(
                    ROLE,
                    "lambda:UpdateFunctionCode",
                    function,
                    "invoking only, no change to the function",
                ),
            ],
            p.function_arn.account(),
        ))
    }
}

//! Every action the operators policies emit exists in the catalog (the Service Authorization
//! Reference) and sits on a resource of a type it accepts, or on `*` when it accepts none;
//! every resource serves an action; every condition key exists.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_catalog::Catalog;
use mmpolicy_core::{PolicyDocument, Provider};
use mmpolicy_operators::{ArchiveReader, Deployer, Logging, LoggingParams, ReadOnly};
use serde_json::json;

/// The policies to check: each example, and the logging policy for each destination.
fn policies() -> Vec<(String, PolicyDocument)> {
    let mut out = vec![
        (
            "deployer".to_owned(),
            Deployer::render(&Deployer::example()).unwrap(),
        ),
        (
            "read-only".to_owned(),
            ReadOnly::render(&ReadOnly::example()).unwrap(),
        ),
        (
            "archive-reader".to_owned(),
            ArchiveReader::render(&ArchiveReader::example()).unwrap(),
        ),
    ];
    for destination in [
        json!({"type": "cloudwatch-logs", "log_group": "/aws/vendedlogs/mail"}),
        json!({"type": "s3", "bucket": "mail-logs"}),
        json!({"type": "firehose", "delivery_stream": "mail-logs"}),
    ] {
        let params: LoggingParams = serde_json::from_value(json!({
            "account_id": "111122223333", "region": "eu-west-1",
            "ingress_point_ids": "*", "rule_set_ids": ["rs-1a2b3c4d5e6f7g8h9i0j1k2l3m"],
            "destination": destination,
        }))
        .unwrap();
        out.push((
            format!("logging {destination}"),
            Logging::render(&params).unwrap(),
        ));
    }
    out
}

#[test]
fn every_action_exists_and_sits_on_a_resource_type_it_accepts() {
    let catalog = Catalog::embedded();
    let mut failures = Vec::new();
    for (name, doc) in policies() {
        for st in doc.statements() {
            let sid = st
                .sid
                .as_ref()
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default();
            let resources: Vec<&str> = st
                .resource
                .as_ref()
                .unwrap()
                .iter()
                .map(|r| r.as_str())
                .collect();
            let mut served = vec![false; resources.len()];
            for action in st.action.as_ref().unwrap().iter() {
                let (prefix, action_name) = action.split_once(':').unwrap();
                let service = catalog.service(prefix).unwrap();
                let Some(a) = service.action(action_name) else {
                    failures.push(format!("{name} {sid}: `{action}` is not in the catalog"));
                    continue;
                };
                if a.resource_types().is_empty() {
                    if resources != ["*"] {
                        failures.push(format!("{name} {sid}: `{action}` accepts only `*`"));
                    }
                    served.iter_mut().for_each(|s| *s = true);
                    continue;
                }
                let mut placed = false;
                for (i, r) in resources.iter().enumerate() {
                    let accepts = a.resource_types().iter().any(|t| {
                        service
                            .resource_type(t.name())
                            .is_some_and(|rt| rt.matches(r))
                    });
                    if accepts {
                        placed = true;
                        served[i] = true;
                    }
                }
                if !placed {
                    failures.push(format!(
                        "{name} {sid}: `{action}` accepts none of {resources:?}"
                    ));
                }
            }
            for (r, s) in resources.iter().zip(served) {
                if !s {
                    failures.push(format!("{name} {sid}: no action applies to `{r}`"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_condition_key_exists_and_applies_to_the_statements_actions() {
    let catalog = Catalog::embedded();
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for (name, doc) in policies() {
        for st in doc.statements() {
            let Some(condition) = &st.condition else {
                continue;
            };
            for (_, keys) in condition.iter() {
                for (key, _) in keys.iter() {
                    seen.push(key.as_str().to_owned());
                    if catalog.global_key(key.as_str()).is_some() {
                        continue;
                    }
                    let applies = st.action.as_ref().unwrap().iter().any(|action| {
                        let (prefix, action_name) = action.split_once(':').unwrap();
                        catalog
                            .service(prefix)
                            .and_then(|s| s.action(action_name))
                            .is_some_and(|a| a.condition_keys().iter().any(|k| k == key.as_str()))
                    });
                    if !applies {
                        failures.push(format!(
                            "{name}: `{key}` is not a key of the statement's actions"
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for key in [
        "ses:AddonSubscriptionArn",
        "iam:PassedToService",
        "aws:RequestTag/team",
        "aws:ResourceTag/team",
        "logs:LogGeneratingResourceArns",
        "logs:DeliveryDestinationResourceArn",
        "iam:AWSServiceName",
    ] {
        assert!(seen.iter().any(|k| k == key), "`{key}` is never emitted");
    }
}

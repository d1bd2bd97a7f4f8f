//! Golden files of each form for the example deployment (its bundle, rendered by `mmpolicy
//! bundle`, is the fixture `tests/fixtures/example-bundle/`), and the properties every form
//! keeps.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly on a broken test setup"
)]

use mmpolicy_formats::{
    Deployment, FormatError, OutputFile, Placement, RoleRef, Target, aws_cli, bundle_dir,
    cloudformation, terraform,
};
use serde_json::json;
use std::path::Path;

type Write = fn(&Deployment) -> Result<Vec<OutputFile>, FormatError>;

const FORMS: [(&str, Write); 3] = [
    ("cloudformation", cloudformation::write),
    ("terraform", terraform::write),
    ("aws-cli", aws_cli::write),
];

fn example() -> Deployment {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example-bundle");
    bundle_dir::read(&dir).unwrap()
}

fn files(write: Write, d: &Deployment) -> Vec<OutputFile> {
    write(d).unwrap()
}

/// One snapshot per generated file that is not a copy of a policy file.
fn check(form: &str, write: Write) {
    let d = example();
    for (path, contents) in files(write, &d) {
        if path.ends_with(".json") {
            let placement = d.placements().iter().find(|p| p.file() == path).unwrap();
            assert_eq!(contents, placement.file_contents(), "{form}/{path}");
            continue;
        }
        insta::assert_snapshot!(format!("{form}__{path}"), contents);
    }
}

#[test]
fn cloudformation_of_the_example() {
    check("cloudformation", cloudformation::write);
}

#[test]
fn terraform_of_the_example() {
    check("terraform", terraform::write);
}

#[test]
fn aws_cli_of_the_example() {
    check("aws-cli", aws_cli::write);
}

#[test]
fn every_form_is_deterministic_and_lists_each_file_once() {
    let d = example();
    for (form, write) in FORMS {
        let first = files(write, &d);
        assert_eq!(first, files(write, &example()), "{form}");
        let mut paths: Vec<&str> = first.iter().map(|(p, _)| p.as_str()).collect();
        paths.sort_unstable();
        let n = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), n, "{form}: a file twice");
    }
}

#[test]
fn policy_files_beside_each_form_are_the_ones_it_merges_or_applies() {
    let d = example();
    let names = |write: Write| -> Vec<String> {
        files(write, &d)
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| p.ends_with(".json"))
            .collect()
    };
    // The export bucket is not owned by the deployment (the default): merged, like the keys.
    let merged = [
        "archiving.export-bucket-policy.json",
        "archiving.key-policy.json",
        "ingress.key-policy.json",
        "rule-actions.key-policy.json",
        "smtp-relay.key-policy.json",
    ];
    assert_eq!(names(cloudformation::write), merged);
    assert_eq!(names(terraform::write), merged);
    assert_eq!(names(aws_cli::write).len(), d.placements().len());
}

fn doc(sid: &str) -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": sid, "Effect": "Allow",
        "Principal": {"Service": "ses.amazonaws.com"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
}

#[test]
fn two_policies_for_one_secret_become_one_resource_policy() {
    let arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:smtp-AbCdEf";
    let secret = || Target::SecretPolicy {
        secret_arn: Some(arn.into()),
    };
    let d = Deployment::new(
        "111122223333",
        "us-east-1",
        vec![
            Placement::new("ingress.secret-policy.json", secret(), doc("A")).unwrap(),
            Placement::new("smtp-relay.secret-policy.json", secret(), doc("B")).unwrap(),
        ],
    )
    .unwrap();
    let template = &files(cloudformation::write, &d)[0].1;
    assert_eq!(
        template
            .matches("AWS::SecretsManager::ResourcePolicy")
            .count(),
        1
    );
    assert!(
        template.contains("Sid: \"A\"") && template.contains("Sid: \"B\""),
        "{template}"
    );
    assert_eq!(
        template
            .matches("Default: \"arn:aws:secretsmanager")
            .count(),
        1,
        "{template}"
    );
    let main = &files(terraform::write, &d)[0].1;
    assert_eq!(
        main.matches("resource \"aws_secretsmanager_secret_policy\"")
            .count(),
        1
    );
    assert!(main.contains("source_policy_documents"), "{main}");
    let script = &files(aws_cli::write, &d)[0].1;
    assert_eq!(
        script
            .matches("\nmerge_secret_policy \"$INGRESS_SECRET_ARN\"")
            .count(),
        2,
        "{script}"
    );
}

#[test]
fn trust_policy_of_an_existing_role_is_for_the_script_only() {
    let d = Deployment::new(
        "111122223333",
        "us-east-1",
        vec![
            Placement::new(
                "x.trust-policy.json",
                Target::TrustPolicy {
                    role: RoleRef::Existing {
                        role_name: "Theirs".into(),
                    },
                },
                doc("T"),
            )
            .unwrap(),
        ],
    )
    .unwrap();
    let err = cloudformation::write(&d).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`x.trust-policy.json`: CloudFormation cannot change the trust policy of a role the stack does not create: use the AWS CLI script for this policy"
    );
    assert!(matches!(
        terraform::write(&d),
        Err(FormatError::Unsupported { .. })
    ));
    let script = &files(aws_cli::write, &d)[0].1;
    assert!(
        script.contains("\nupdate_trust_policy \"$X_ROLE_NAME\" x.trust-policy.json\n"),
        "{script}"
    );
}

#[test]
fn unowned_bucket_is_merged_beside_not_replaced() {
    let d = Deployment::new(
        "111122223333",
        "us-east-1",
        vec![
            Placement::new(
                "archiving.export-bucket-policy.json",
                Target::BucketPolicy {
                    bucket: "shared-bucket".into(),
                    owned: false,
                },
                doc("E"),
            )
            .unwrap(),
        ],
    )
    .unwrap();
    let cfn = files(cloudformation::write, &d);
    assert!(!cfn[0].1.contains("AWS::S3::BucketPolicy"), "{}", cfn[0].1);
    assert_eq!(cfn[1].0, cloudformation::MERGE_SCRIPT);
    assert!(cfn[1].1.contains(
        "\nmerge_bucket_policy \"$ARCHIVING_BUCKET_NAME\" archiving.export-bucket-policy.json\n"
    ));
    let tf = files(terraform::write, &d);
    assert!(!tf[0].1.contains("aws_s3_bucket_policy"), "{}", tf[0].1);
    assert!(
        tf[0]
            .1
            .contains("data \"aws_iam_policy_document\" \"archiving_export_bucket_policy\"")
    );
}

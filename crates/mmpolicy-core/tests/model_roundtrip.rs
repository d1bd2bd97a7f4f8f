//! Property test: every policy document the model can hold survives serialisation to JSON and
//! back, and re-serialises to the same text (the form read is the form written).

use mmpolicy_core::{
    Actions, Condition, ConditionValue, Effect, OneOrMany, PolicyDocument, Principal, PrincipalMap,
    Statement, Text, Version,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = Text> {
    // Printable ASCII plus a few characters JSON must escape, and one non-ASCII letter.
    "[ -~é\"\\\\\n\t]{0,12}".prop_map(Text::from)
}

fn one_or_many<T: std::fmt::Debug + Clone + 'static, S: Strategy<Value = T>>(
    s: impl Fn() -> S,
) -> impl Strategy<Value = OneOrMany<T>> {
    prop_oneof![
        s().prop_map(OneOrMany::One),
        // A list of one is sometimes held without a list (`ListOfOne`): written as a list,
        // read back as `Many`, and equal to it.
        (prop::collection::vec(s(), 0..4), any::<bool>()).prop_map(|(mut list, hold)| {
            match list.pop() {
                Some(one) if list.is_empty() && hold => OneOrMany::ListOfOne(one),
                Some(last) => {
                    list.push(last);
                    OneOrMany::Many(list)
                }
                None => OneOrMany::Many(list),
            }
        }),
    ]
}

fn actions() -> impl Strategy<Value = Actions> {
    prop_oneof![
        text().prop_map(Actions::One),
        prop::collection::vec(text(), 0..4).prop_map(Actions::Many),
        // A list fixed by the code: written as a list, read back as `Many`, and equal to it.
        // Leaked because it must be `'static`; a few hundred small lists per test run.
        prop::collection::vec("[ -~é\"\\\\\n\t]{0,12}", 0..4).prop_map(|v| {
            let v: Vec<&'static str> = v
                .into_iter()
                .map(|s| &*Box::leak(s.into_boxed_str()))
                .collect();
            Actions::Fixed(Box::leak(v.into_boxed_slice()))
        }),
    ]
}

fn condition_value() -> impl Strategy<Value = ConditionValue> {
    prop_oneof![
        text().prop_map(ConditionValue::String),
        any::<bool>().prop_map(ConditionValue::Bool),
        any::<i64>().prop_map(|n| ConditionValue::Number(n.into())),
    ]
}

fn principal() -> impl Strategy<Value = Principal> {
    let opt = || prop::option::of(one_or_many(text));
    prop_oneof![
        Just(Principal::Any),
        (opt(), opt(), opt(), opt()).prop_map(|(aws, service, federated, canonical_user)| {
            Principal::Named(Box::new(PrincipalMap {
                aws,
                service,
                federated,
                canonical_user,
            }))
        }),
    ]
}

fn condition() -> impl Strategy<Value = Condition> {
    prop::collection::vec(
        (
            "[A-Za-z:]{1,20}",
            prop::collection::vec(("[a-z:/A-Z]{1,20}", one_or_many(condition_value)), 1..3),
        ),
        1..3,
    )
    .prop_map(|ops| {
        ops.into_iter()
            .map(|(op, keys)| {
                let keys = keys.into_iter().map(|(k, v)| (Text::from(k), v)).collect();
                (Text::from(op), keys)
            })
            .collect()
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    let strings = || prop::option::of(one_or_many(text));
    (
        prop::option::of(text()),
        prop_oneof![Just(Effect::Allow), Just(Effect::Deny)],
        prop::option::of(principal()),
        prop::option::of(principal()),
        prop::option::of(actions()),
        prop::option::of(actions()),
        strings(),
        strings(),
        prop::option::of(condition()),
    )
        .prop_map(
            |(
                sid,
                effect,
                principal,
                not_principal,
                action,
                not_action,
                resource,
                not_resource,
                condition,
            )| {
                Statement {
                    sid,
                    effect,
                    principal,
                    not_principal,
                    action,
                    not_action,
                    resource,
                    not_resource,
                    condition,
                }
            },
        )
}

fn document() -> impl Strategy<Value = PolicyDocument> {
    (
        prop::option::of(prop_oneof![
            Just(Version::V2012_10_17),
            Just(Version::V2008_10_17)
        ]),
        prop::option::of(text().prop_map(Text::into_string)),
        one_or_many(statement),
    )
        .prop_map(|(version, id, statement)| PolicyDocument {
            version,
            id,
            statement,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_round_trip(doc in document()) {
        let text = serde_json::to_string(&doc).unwrap();
        let back: PolicyDocument = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &doc);
        // Same text again: the form (one or many, key order) is kept.
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), text);
        let pretty = doc.to_pretty_json();
        prop_assert_eq!(serde_json::from_str::<PolicyDocument>(&pretty).unwrap(), doc);
    }

    #[test]
    fn value_round_trip(doc in document()) {
        let value = serde_json::to_value(&doc).unwrap();
        let back: PolicyDocument = serde_json::from_value(value.clone()).unwrap();
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), value);
        prop_assert_eq!(back, doc);
    }
}

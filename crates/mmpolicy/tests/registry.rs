//! Registry-wide invariants, checked over every provider linked through the facade's features.
//! Adding a provider is enough for it to be checked here.

use mmpolicy::{PolicyKind, PrincipalMap, Registry, registry};
use serde_json::json;

#[test]
fn every_enabled_feature_is_linked_and_nothing_else() {
    // A feature crate that the facade does not name is dropped by the linker, and its providers
    // silently vanish: this fails then. It also runs with a subset of features in CI.
    let mut linked = registry().features();
    linked.sort_unstable();
    let mut enabled = mmpolicy::FEATURES.to_vec();
    enabled.sort_unstable();
    assert_eq!(linked, enabled);
    assert!(!registry().is_empty() || enabled.is_empty());
}

#[test]
fn ids_are_unique_sorted_and_well_formed() {
    let ids: Vec<&str> = registry().iter().map(|p| p.id()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "ids must be unique and in order");
    for p in registry().iter() {
        let (feature, name) = p.id().split_once('.').expect("id is <feature>.<name>");
        assert_eq!(
            feature,
            p.feature(),
            "{}: id must start with its feature",
            p.id()
        );
        let ok = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !s.ends_with('-')
        };
        assert!(
            ok(feature) && ok(name),
            "{}: lowercase words joined by hyphens",
            p.id()
        );
    }
}

#[test]
fn duplicate_ids_are_refused() {
    let p = registry().iter().next().expect("at least one provider");
    let err = Registry::new([p, p]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "provider id `{}` is registered twice: give each provider its own id",
            p.id()
        )
    );
}

#[test]
fn unknown_ids_suggest_the_closest() {
    let p = registry().iter().next().expect("at least one provider");
    let typo = format!("{}x", p.id());
    let err = registry().get(&typo).unwrap_err();
    assert_eq!(err.closest.first(), Some(&p.id()), "{err}");
    let err = registry().get("nothing-like-it").unwrap_err();
    assert!(err.closest.is_empty());
    assert!(err.to_string().contains("mmpolicy list"), "{err}");
}

#[test]
fn every_provider_is_documented() {
    for p in registry().iter() {
        let id = p.id();
        assert!(
            !p.title().is_empty() && !p.title().ends_with('.'),
            "{id}: title"
        );
        assert!(
            p.description().len() > 80,
            "{id}: description says where and why"
        );
        let source = p.source();
        assert!(
            source.contains("AWS") || source.contains("Mail Manager API reference"),
            "{id}: source names AWS's document"
        );
        for c in p.corrections() {
            assert!(c.ends_with('.'), "{id}: corrections are sentences");
        }
        for param in mmpolicy::param_docs(p) {
            assert!(
                !param.description.is_empty(),
                "{id}: `{}` has no doc",
                param.name
            );
        }
    }
}

#[test]
fn every_schema_is_strict() {
    for p in registry().iter() {
        let schema = p.params_schema();
        let schema = schema.as_value();
        assert_eq!(schema["type"], "object", "{}", p.id());
        assert_eq!(
            schema["additionalProperties"],
            false,
            "{}: deny_unknown_fields",
            p.id()
        );
        assert!(
            schema["properties"]
                .as_object()
                .is_some_and(|m| !m.is_empty()),
            "{}",
            p.id()
        );
    }
}

#[test]
fn every_example_renders_a_complete_document_of_its_kind() {
    for p in registry().iter() {
        let id = p.id();
        let doc = p
            .render_value(&p.example_params())
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(doc.version, Some(mmpolicy::Version::V2012_10_17), "{id}");
        assert!(!doc.statements().is_empty(), "{id}");
        for (i, s) in doc.statements().iter().enumerate() {
            assert!(
                s.action.is_some() || s.not_action.is_some(),
                "{id}/{i}: action"
            );
            match p.kind() {
                PolicyKind::Identity => {
                    assert!(
                        s.principal.is_none(),
                        "{id}/{i}: no principal in identity policies"
                    );
                    assert!(s.resource.is_some(), "{id}/{i}: resource");
                }
                PolicyKind::Trust => {
                    assert!(s.principal.is_some(), "{id}/{i}: principal");
                    assert!(
                        s.resource.is_none(),
                        "{id}/{i}: no resource in trust policies"
                    );
                }
                _ => {
                    assert!(s.principal.is_some(), "{id}/{i}: principal");
                    assert!(s.resource.is_some(), "{id}/{i}: resource");
                }
            }
            let sid = s.sid.as_deref().unwrap_or("");
            assert!(
                sid.chars().all(|c| c.is_ascii_alphanumeric()),
                "{id}/{i}: sid `{sid}`"
            );
        }
        // The same document from the JSON text as from the value.
        let text = serde_json::to_string(&p.example_params()).unwrap();
        assert_eq!(p.render_str(&text).unwrap(), doc, "{id}");
    }
}

/// Mail Manager archiving is the one feature whose service-principal statements cannot carry
/// the confused-deputy keys: AWS's page says archiving does not support them.
const NO_CONFUSED_DEPUTY_KEYS: &[&str] = &["archiving"];

#[test]
fn every_example_allows_what_its_provider_needs_and_denies_its_near_misses() {
    // Each provider's own example output, evaluated against the requests it declares: every
    // needed request allowed, every near miss denied, and no statement that no request needs.
    let mut problems = Vec::new();
    for p in registry().iter() {
        problems.extend(mmpolicy_eval::required::audit(p, &p.example_params()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn service_principals_carry_confused_deputy_conditions() {
    for p in registry().iter() {
        if NO_CONFUSED_DEPUTY_KEYS.contains(&p.feature()) {
            continue;
        }
        let doc = p.render_value(&p.example_params()).unwrap();
        for (i, s) in doc.statements().iter().enumerate() {
            let Some(mmpolicy::Principal::Named(map)) = &s.principal else {
                continue;
            };
            let PrincipalMap {
                service: Some(_), ..
            } = **map
            else {
                continue;
            };
            let cond = s
                .condition
                .as_ref()
                .expect("conditions on a service principal");
            let has = |op: &str, key: &str| cond.get(op).is_some_and(|m| m.contains_key(key));
            assert!(has("StringEquals", "aws:SourceAccount"), "{}/{i}", p.id());
            assert!(has("ArnLike", "aws:SourceArn"), "{}/{i}", p.id());
        }
    }
}

#[test]
fn unknown_and_missing_fields_are_refused_by_name() {
    for p in registry().iter() {
        let mut params = p.example_params();
        params["surprise"] = json!("x");
        let err = p.render_value(&params).unwrap_err().to_string();
        assert!(
            err.starts_with("unknown parameter `surprise`: expected "),
            "{}: {err}",
            p.id()
        );

        let required: Vec<String> = mmpolicy::param_docs(p)
            .into_iter()
            .filter(|d| d.required)
            .map(|d| d.name)
            .collect();
        for field in required {
            let mut params = p.example_params();
            params.as_object_mut().unwrap().remove(&field);
            let err = p.render_value(&params).unwrap_err().to_string();
            assert_eq!(
                err,
                format!(
                    "missing parameter `{field}`: add it (`mmpolicy describe {}` lists every parameter)",
                    p.id()
                ),
                "{}",
                p.id()
            );
        }
    }
}

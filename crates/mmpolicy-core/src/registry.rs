//! The provider registry, filled at link time through `inventory`.
//!
//! Feature crates call [`register_provider!`](crate::register_provider); [`registry()`] collects
//! every registration once, sorted by id. A crate that nothing in the final binary names is not
//! linked, and its registrations vanish with it: the `mmpolicy` facade names every feature crate
//! it enables for that reason.

use crate::error::UnknownProvider;
use crate::provider::PolicyProvider;
use std::sync::OnceLock;

/// What a feature crate submits: a reference to a provider with a `'static` lifetime.
pub struct ProviderEntry(pub &'static dyn PolicyProvider);

inventory::collect!(ProviderEntry);

/// Registers a provider (a unit struct implementing [`Provider`](crate::Provider)) in the
/// registry:
///
/// ```text
/// mmpolicy_core::register_provider!(SecretPolicy);
/// ```
#[macro_export]
macro_rules! register_provider {
    ($provider:expr) => {
        $crate::__private::inventory::submit! {
            $crate::ProviderEntry(&$provider)
        }
    };
}

/// A set of providers with unique ids, in id order.
#[derive(Debug)]
pub struct Registry {
    providers: Vec<&'static dyn PolicyProvider>,
}

/// Two providers registered under one id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("provider id `{0}` is registered twice: give each provider its own id")]
pub struct DuplicateId(pub &'static str);

impl Registry {
    /// Builds a registry from providers, sorting them by id and refusing duplicate ids.
    pub fn new(
        providers: impl IntoIterator<Item = &'static dyn PolicyProvider>,
    ) -> Result<Self, DuplicateId> {
        let mut providers: Vec<&'static dyn PolicyProvider> = providers.into_iter().collect();
        providers.sort_by_key(|p| p.id());
        if let Some(w) = providers.windows(2).find(|w| w[0].id() == w[1].id()) {
            return Err(DuplicateId(w[0].id()));
        }
        Ok(Registry { providers })
    }

    /// Every provider, in id order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'static dyn PolicyProvider> + '_ {
        self.providers.iter().copied()
    }

    /// The number of providers.
    pub fn len(&self) -> usize {
        self.providers.len()
    }

    /// True when no provider is registered (no feature linked).
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty()
    }

    /// The provider with this id, or an error listing the closest ids.
    pub fn get(&self, id: &str) -> Result<&'static dyn PolicyProvider, UnknownProvider> {
        if let Ok(i) = self.providers.binary_search_by(|p| p.id().cmp(id)) {
            if let Some(p) = self.providers.get(i) {
                return Ok(*p);
            }
        }
        Err(UnknownProvider {
            id: id.to_owned(),
            closest: self.closest(id),
        })
    }

    /// Up to three ids close to `id`, best first.
    fn closest(&self, id: &str) -> Vec<&'static str> {
        let mut scored: Vec<(f64, &'static str)> = self
            .providers
            .iter()
            .map(|p| {
                let name = p.id();
                let tail = name.split_once('.').map_or(name, |(_, t)| t);
                let score =
                    strsim::jaro_winkler(id, name).max(strsim::jaro_winkler(id, tail) - 0.05);
                (score, name)
            })
            .filter(|(score, _)| *score > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        scored.into_iter().take(3).map(|(_, id)| id).collect()
    }

    /// The features that have at least one provider, in id order.
    pub fn features(&self) -> Vec<&'static str> {
        let mut f: Vec<&'static str> = self.providers.iter().map(|p| p.feature()).collect();
        f.dedup();
        f
    }
}

/// The registry of every provider linked into this program, built once.
///
/// # Panics
/// When two linked providers share an id: that is a bug in a feature crate, caught by the
/// registry test of the `mmpolicy` facade before it ships.
#[allow(
    clippy::panic,
    reason = "a duplicate id is a build-time bug, never a user error"
)]
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        match Registry::new(inventory::iter::<ProviderEntry>.into_iter().map(|e| e.0)) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        }
    })
}

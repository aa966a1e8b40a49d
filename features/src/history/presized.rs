//! Hash maps that deserialize at their final size: serde's own `HashMap` impl starts from a
//! capacity capped for safety and grows by rehashing, which at millions of keys is a large
//! share of loading a history snapshot. The length a file declares is trusted only up to
//! [`MAX_PRESIZE`] entries, so a forged length cannot make the reader allocate without bound.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most entries a map is pre-sized for from a declared length; beyond it, it grows.
const MAX_PRESIZE: usize = 1 << 27;

/// `#[serde(with = "presized")]` for a `HashMap` field.
pub(crate) fn serialize<K, V, S, Se>(
    map: &HashMap<K, V, S>,
    serializer: Se,
) -> Result<Se::Ok, Se::Error>
where
    K: Serialize,
    V: Serialize,
    Se: Serializer,
{
    serializer.collect_map(map)
}

/// `#[serde(with = "presized")]` for a `HashMap` field.
pub(crate) fn deserialize<'de, K, V, S, D>(deserializer: D) -> Result<HashMap<K, V, S>, D::Error>
where
    K: Deserialize<'de> + Eq + Hash,
    V: Deserialize<'de>,
    S: BuildHasher + Default,
    D: Deserializer<'de>,
{
    Ok(deserializer.deserialize_map(MapVisitor(PhantomData))?.0)
}

/// A map deserialized at its declared size.
pub(crate) struct Presized<M>(pub(crate) M);

impl<'de, K, V, S> Deserialize<'de> for Presized<HashMap<K, V, S>>
where
    K: Deserialize<'de> + Eq + Hash,
    V: Deserialize<'de>,
    S: BuildHasher + Default,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

struct MapVisitor<K, V, S>(PhantomData<(K, V, S)>);

impl<'de, K, V, S> Visitor<'de> for MapVisitor<K, V, S>
where
    K: Deserialize<'de> + Eq + Hash,
    V: Deserialize<'de>,
    S: BuildHasher + Default,
{
    type Value = Presized<HashMap<K, V, S>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let capacity = access.size_hint().unwrap_or(0).min(MAX_PRESIZE);
        let mut map = HashMap::with_capacity_and_hasher(capacity, S::default());
        while let Some((k, v)) = access.next_entry()? {
            map.insert(k, v);
        }
        Ok(Presized(map))
    }
}

/// `#[serde(with = "presized::array")]` for an array of `HashMap`s.
pub(crate) mod array {
    use super::*;

    /// Serializes each map in order.
    pub(crate) fn serialize<M: Serialize, const N: usize, Se: Serializer>(
        maps: &[M; N],
        serializer: Se,
    ) -> Result<Se::Ok, Se::Error> {
        use serde::ser::SerializeTuple;
        let mut tuple = serializer.serialize_tuple(N)?;
        for m in maps {
            tuple.serialize_element(m)?;
        }
        tuple.end()
    }

    /// Deserializes `N` maps, each at its declared size.
    pub(crate) fn deserialize<'de, K, V, S, const N: usize, D>(
        deserializer: D,
    ) -> Result<[HashMap<K, V, S>; N], D::Error>
    where
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
        S: BuildHasher + Default,
        D: Deserializer<'de>,
    {
        struct Maps<K, V, S, const N: usize>(PhantomData<(K, V, S)>);
        impl<'de, K, V, S, const N: usize> Visitor<'de> for Maps<K, V, S, N>
        where
            K: Deserialize<'de> + Eq + Hash,
            V: Deserialize<'de>,
            S: BuildHasher + Default,
        {
            type Value = [HashMap<K, V, S>; N];

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{N} maps")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut maps: Vec<HashMap<K, V, S>> = Vec::with_capacity(N);
                for i in 0..N {
                    let Presized(map) = seq
                        .next_element()?
                        .ok_or_else(|| serde::de::Error::invalid_length(i, &self))?;
                    maps.push(map);
                }
                maps.try_into()
                    .map_err(|_| serde::de::Error::invalid_length(N, &self))
            }
        }
        deserializer.deserialize_tuple(N, Maps::<K, V, S, N>(PhantomData))
    }
}

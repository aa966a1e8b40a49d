//! The point-in-time history index: which earlier applications share an entity with this one.
//!
//! One structure answers every history question for both paths. The batch pipeline builds it
//! over a whole data directory and asks it about each application at that application's own
//! `submitted_at`; the single-application path builds it once (a snapshot), appends to it, and
//! asks about a new application. Every answer depends only on rows strictly before the query
//! time `t`, so appending later rows never changes an earlier answer (the point-in-time rule of
//! `docs/input-contract.md`), and rows with the same timestamp never see each other: ties are
//! broken by excluding them, which is deterministic and cannot leak.
//!
//! **Memberships.** An application belongs to the group of every key ([`super::keys`]) it
//! shows, one group per value of each kind: the keys of its own row from `submitted_at`, and the IP, IP-network and device keys
//! of its telemetry samples from each sample's `event_at`. Within a group an application counts
//! from its first appearance. A group keeps its entries sorted by (time, application), with the
//! running number of distinct identities, so counts over any window `[t − w, t)` are two binary
//! searches.
//!
//! **Labels.** A linked application counts as known fraud at `t` when it appeared in the group
//! before `t` and the last label with `labeled_at < t` says fraud (labels with equal
//! `labeled_at` are ordered not-fraud first, so fraud wins a tie). Each group keeps these
//! intervals as sorted (time, running count) events.
//!
//! **Components.** Applications and the entity values of their own rows (address, device,
//! phone, email; IPs are left out because one VPN exit would join thousands of strangers, and
//! telemetry is left out so that links arrive in submission order, which keeps appends cheap)
//! are nodes of a graph whose edges appear at `submitted_at`. A union–find without path compression that
//! records when each node got its parent ([`TimedUnionFind`]) answers "the component of this
//! node at time `t`" exactly for any past `t`.
//!
//! **The application itself.** When the queried application is in the index (the batch path,
//! or a snapshot that already holds it), its own memberships before `t` (telemetry samples
//! dated before its submission) and its own labels are subtracted, so the answer is the same
//! as for a new application scored against the history of everything else.

use std::collections::{HashMap, HashSet};

use rayon::iter::{IntoParallelIterator, IntoParallelRefIterator, ParallelIterator};
use rayon::slice::ParallelSliceMut;
use serde::{Deserialize, Serialize};

use super::keys::{EntityKeys, Key, KeyKind, SampleEntityKeys};

pub use appfraud_core::primitives::MICROS_PER_DAY;

/// The windows counted per key kind, in days, in [`KeyStats::apps_in_window`] order.
pub const WINDOWS_DAYS: [i64; 5] = [1, 7, 30, 90, 365];

/// Groups larger than this keep an identity → first-time side table, so the "own identity"
/// check stays a binary search in big groups.
const IDENTITY_TABLE_MIN: usize = 32;

/// Index of an application inside a [`HistoryIndex`].
pub type Slot = u32;

/// One telemetry sample's contribution to the history: its time and keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleKeys {
    /// When the sample was taken, in microseconds since the Unix epoch (UTC).
    pub event_at: i64,
    /// The sample's keys (IP, IP network and device only).
    pub keys: SampleEntityKeys,
}

/// What the history needs to know about one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationKeys {
    /// When the application was submitted, in microseconds since the Unix epoch (UTC).
    pub submitted_at: i64,
    /// The identity ([`super::keys::identity_key`]); an application without a readable email
    /// gets a key of its own (see [`fallback_identity`]).
    pub identity: Key,
    /// The keys of the application row itself.
    pub row: EntityKeys,
}

/// The identity of an application whose email does not parse: unique to its `application_id`.
pub fn fallback_identity(application_id: &str) -> Key {
    super::keys::fnv1a(b'U', application_id.as_bytes())
}

/// What the history says about one kind of key of one application at time `t`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyStats {
    /// The application has at least one key of this kind; all other fields are 0 otherwise.
    pub present: bool,
    /// Other applications sharing a key of this kind before `t` (the largest over the
    /// application's keys of this kind, as for every field).
    pub apps_before: u32,
    /// Other applications sharing it within `[t − w, t)` for each of [`WINDOWS_DAYS`].
    pub apps_in_window: [u32; 5],
    /// Distinct identities other than the application's own among those before `t`.
    pub other_identities_before: u32,
    /// Linked applications known to be fraud before `t`.
    pub fraud_known: u32,
}

impl KeyStats {
    /// Takes, field by field, the larger of `self` and `other` (the answer over several keys
    /// of one kind is the largest over them).
    fn merge(&mut self, other: &KeyStats) {
        self.apps_before = self.apps_before.max(other.apps_before);
        for (w, v) in self.apps_in_window.iter_mut().zip(other.apps_in_window) {
            *w = (*w).max(v);
        }
        self.other_identities_before = self
            .other_identities_before
            .max(other.other_identities_before);
        self.fraud_known = self.fraud_known.max(other.fraud_known);
    }
}

/// Everything the history index says about one application at time `t`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HistorySignals {
    /// Per [`KeyKind`], in [`KeyKind::ALL`] order.
    pub by_kind: [KeyStats; 6],
    /// Applications in the application's connected component at `t`, itself included (so 1
    /// when nothing links it to an earlier application).
    pub component_size: u32,
}

/// A question to the index: one application at its `submitted_at`.
#[derive(Debug, Clone, Copy)]
pub struct HistoryQuery<'a> {
    /// The application's slot when the index holds it; `None` for a new application. What the
    /// index holds under this slot (not `samples`) is left out of the answer.
    pub slot: Option<Slot>,
    /// The application's submission time, identity and row keys.
    pub keys: ApplicationKeys,
    /// Its telemetry samples (any order).
    pub samples: &'a [SampleKeys],
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Entry {
    time: i64,
    slot: Slot,
    identity: Key,
    /// Distinct identities among this group's entries up to and including this one.
    identities: u32,
}

/// One entity value's applications, in (time, slot) order. 48 bytes besides its entries: most
/// groups hold one or two applications, and a million applications make millions of groups.
#[derive(Debug, Serialize, Deserialize)]
struct Group {
    entries: Vec<Entry>,
    /// Known-fraud events and identity table, for the few groups that have either.
    extra: Option<Box<GroupExtra>>,
    /// Union–find node of this entity value ([`NO_NODE`] for the kinds that form no
    /// components).
    node: u32,
    /// The [`KeyKind::index`] of the group's key.
    kind: u8,
}

/// [`Group::node`] of a group whose kind forms no components.
const NO_NODE: u32 = u32::MAX;

/// What only some groups have.
#[derive(Debug, Default, Serialize, Deserialize)]
struct GroupExtra {
    /// (time, known-fraud count from this time on), sorted by time.
    fraud: Vec<(i64, i32)>,
    /// For big groups: (identity, first time), sorted by identity.
    identity_first: Vec<(Key, i64)>,
}

impl Group {
    /// An empty group of kind index `kind` with union–find node `node`.
    fn new(kind: u8, node: Option<u32>) -> Self {
        Group {
            entries: Vec::new(),
            extra: None,
            node: node.unwrap_or(NO_NODE),
            kind,
        }
    }

    /// The group's union–find node, for the kinds that form components.
    fn node(&self) -> Option<u32> {
        (self.node != NO_NODE).then_some(self.node)
    }

    /// (time, known-fraud count from this time on), sorted by time.
    fn fraud(&self) -> &[(i64, i32)] {
        self.extra.as_ref().map_or(&[], |e| &e.fraud)
    }

    /// For big groups: (identity, first time), sorted by identity; empty otherwise.
    fn identity_first(&self) -> &[(Key, i64)] {
        self.extra.as_ref().map_or(&[], |e| &e.identity_first)
    }

    /// Keeps `fraud` and `identity_first`, boxed only when either has anything.
    fn set_extra(&mut self, fraud: Vec<(i64, i32)>, identity_first: Vec<(Key, i64)>) {
        self.extra = (!fraud.is_empty() || !identity_first.is_empty()).then(|| {
            Box::new(GroupExtra {
                fraud,
                identity_first,
            })
        });
    }

    /// Recomputes the distinct-identity counts and known-fraud events from the entries (in
    /// (time, slot) order) and the applications' `labels`.
    fn refresh(&mut self, labels: &[Vec<(i64, bool)>]) {
        let big = self.entries.len() >= IDENTITY_TABLE_MIN;
        let mut count = 0u32;
        let mut identity_first = Vec::new();
        if big {
            let mut seen: HashSet<Key> = HashSet::with_capacity(self.entries.len());
            for e in &mut self.entries {
                if seen.insert(e.identity) {
                    count += 1;
                    identity_first.push((e.identity, e.time));
                }
                e.identities = count;
            }
        } else {
            // Small groups (nearly all): a scan of the earlier entries beats hashing.
            for i in 0..self.entries.len() {
                let id = self.entries[i].identity;
                if !self.entries[..i].iter().any(|e| e.identity == id) {
                    count += 1;
                }
                self.entries[i].identities = count;
            }
        }
        identity_first.sort_unstable();
        let fraud = self.fraud_events(labels);
        self.set_extra(fraud, identity_first);
    }

    /// Recomputes the known-fraud events from the entries and the applications' `labels`.
    fn refresh_fraud(&mut self, labels: &[Vec<(i64, bool)>]) {
        let fraud = self.fraud_events(labels);
        let identity_first = self
            .extra
            .take()
            .map(|e| e.identity_first)
            .unwrap_or_default();
        self.set_extra(fraud, identity_first);
    }

    /// The known-fraud events of the entries given the applications' `labels`.
    fn fraud_events(&self, labels: &[Vec<(i64, bool)>]) -> Vec<(i64, i32)> {
        let mut events: Vec<(i64, i32)> = Vec::new();
        for e in &self.entries {
            for (start, end) in fraud_intervals(&labels[e.slot as usize]) {
                // Counted for t in (max(start, entry time), end]: events at those times.
                let from = start.max(e.time);
                if end.is_none_or(|end| from < end) {
                    events.push((from, 1));
                    if let Some(end) = end {
                        events.push((end, -1));
                    }
                }
            }
        }
        events.sort_unstable();
        let mut running = 0;
        for ev in &mut events {
            running += ev.1;
            ev.1 = running;
        }
        events
    }
}

/// Keys are already FNV-1a hashes: a multiply-xorshift finish spreads them over the table
/// without SipHash's cost (the map is never exposed to keys chosen to collide: they are hashed
/// with a fixed function first, and a collision only slows a lookup).
#[derive(Debug, Clone, Copy, Default)]
struct KeyHasher;

impl std::hash::BuildHasher for KeyHasher {
    type Hasher = KeyHash;
    fn build_hasher(&self) -> KeyHash {
        KeyHash(0)
    }
}

#[derive(Debug, Clone, Copy)]
struct KeyHash(u64);

impl std::hash::Hasher for KeyHash {
    fn finish(&self) -> u64 {
        let x = self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x ^ (x >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

/// The history index. See the module documentation.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct HistoryIndex {
    groups: Vec<Group>,
    #[serde(with = "super::presized")]
    /// (key, [`KeyKind::index`]) → group: one group per value of each kind.
    group_of: HashMap<(Key, u8), u32, KeyHasher>,
    /// Per slot: its keys, its label events (time, is_fraud) sorted, its union–find node.
    apps: Vec<ApplicationKeys>,
    labels: Vec<Vec<(i64, bool)>>,
    app_node: Vec<u32>,
    /// Per slot: (group, first time) of each membership.
    memberships: Vec<Vec<(u32, i64)>>,
    union: TimedUnionFind,
    /// Union events (time, app node, key node), kept to rebuild the union–find when an append
    /// arrives out of time order.
    links: Vec<(i64, u32, u32)>,
    /// Set by [`drop_append_state`](Self::drop_append_state): no append is possible.
    #[serde(skip)]
    held_only: bool,
}

impl HistoryIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of applications held.
    pub fn len(&self) -> usize {
        self.apps.len()
    }

    /// Whether the index holds no application.
    pub fn is_empty(&self) -> bool {
        self.apps.is_empty()
    }

    /// When the application at `slot` was submitted (µs since the Unix epoch, UTC).
    ///
    /// # Panics
    ///
    /// If the index does not hold `slot`.
    pub fn submitted_at(&self, slot: Slot) -> i64 {
        self.application(slot).submitted_at
    }

    /// The keys of the application at `slot`.
    ///
    /// # Panics
    ///
    /// If the index does not hold `slot`.
    pub fn application(&self, slot: Slot) -> &ApplicationKeys {
        &self.apps[slot as usize]
    }

    /// Builds the index over whole tables at once (the batch path). `samples` are
    /// `(slot, sample)` pairs and `labels` `(slot, labeled_at, is_fraud)` triples, any order;
    /// slots index `applications`.
    pub fn build(
        applications: &[ApplicationKeys],
        samples: &[(Slot, SampleKeys)],
        labels: &[(Slot, i64, bool)],
    ) -> Self {
        Self::build_owned(applications.to_vec(), samples, labels)
    }

    /// [`build`](Self::build) taking the application keys by value, so that they are not
    /// copied (64 MB at a million applications).
    pub fn build_owned(
        applications: Vec<ApplicationKeys>,
        samples: &[(Slot, SampleKeys)],
        labels: &[(Slot, i64, bool)],
    ) -> Self {
        let n = applications.len();
        // Each application's labels sized exactly: most have one, and a vector grown by
        // pushing holds four.
        let mut label_counts = vec![0u32; n];
        for &(slot, _, _) in labels {
            if let Some(c) = label_counts.get_mut(slot as usize) {
                *c += 1;
            }
        }
        let mut index = HistoryIndex {
            apps: applications,
            labels: label_counts
                .into_iter()
                .map(|c| Vec::with_capacity(c as usize))
                .collect(),
            app_node: Vec::with_capacity(n),
            ..Self::default()
        };
        let applications = &index.apps;
        index.union.reserve_exact(n);
        for _ in 0..n {
            let node = index.union.add_node(1);
            index.app_node.push(node);
        }
        for &(slot, at, fraud) in labels {
            if let Some(l) = index.labels.get_mut(slot as usize) {
                l.push((at, fraud));
            }
        }
        for l in &mut index.labels {
            l.sort_unstable();
        }

        // Memberships: (key, slot, time, kind); the first appearance per (key, slot) stays.
        // Sized exactly: at a million applications this is the largest transient of the build.
        let key_count = applications.iter().map(|a| a.row.len()).sum::<usize>()
            + samples
                .iter()
                .filter(|(slot, _)| (*slot as usize) < n)
                .map(|(_, s)| s.keys.len())
                .sum::<usize>();
        let mut raw: Vec<(Key, u8, Slot, i64)> = Vec::with_capacity(key_count);
        for (slot, app) in applications.iter().enumerate() {
            push_keys(&mut raw, &app.row, app.submitted_at, slot as Slot);
        }
        for &(slot, s) in samples {
            if (slot as usize) < n {
                push_keys(&mut raw, &s.keys.to_entity_keys(), s.event_at, slot);
            }
        }
        raw.par_sort_unstable();
        raw.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1 && a.2 == b.2);
        // A run per (key, kind) is a group; its entries are then ordered by (time, slot). The
        // groups are made on every core, then numbered, given their union–find nodes and
        // entered in the memberships in run order, as one at a time would.
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        while start < raw.len() {
            let (key, kind_index) = (raw[start].0, raw[start].1);
            let end = start + raw[start..].partition_point(|r| (r.0, r.1) == (key, kind_index));
            runs.push((start, end));
            start = end;
        }
        let labels_of = &index.labels;
        let mut groups: Vec<Group> = runs
            .par_iter()
            .map(|&(start, end)| {
                let mut entries: Vec<(i64, Slot)> =
                    raw[start..end].iter().map(|r| (r.3, r.2)).collect();
                entries.sort_unstable();
                let mut group = Group::new(raw[start].1, None);
                group.entries = entries
                    .into_iter()
                    .map(|(time, slot)| Entry {
                        time,
                        slot,
                        identity: applications[slot as usize].identity,
                        identities: 0,
                    })
                    .collect();
                group.refresh(labels_of);
                group
            })
            .collect();
        index.group_of.reserve(groups.len());
        index.union.reserve_exact(
            groups
                .iter()
                .filter(|g| forms_components(KeyKind::ALL[usize::from(g.kind)]))
                .count(),
        );
        // Each application's memberships sized exactly (growing by doubling left a quarter
        // of them unused).
        let mut per_slot = vec![0u32; n];
        for group in &groups {
            for e in &group.entries {
                per_slot[e.slot as usize] += 1;
            }
        }
        index.memberships = per_slot
            .into_iter()
            .map(|c| Vec::with_capacity(c as usize))
            .collect();
        for (g, (group, &(start, _))) in groups.iter_mut().zip(&runs).enumerate() {
            let g = g as u32;
            index.group_of.insert((raw[start].0, raw[start].1), g);
            if forms_components(KeyKind::ALL[usize::from(group.kind)]) {
                group.node = index.union.add_node(0);
            }
            for e in &group.entries {
                index.memberships[e.slot as usize].push((g, e.time));
            }
        }
        index.groups = groups;
        index.rebuild_links();
        index
    }

    /// Drops what only appends read: the component links and the union–find's journal and
    /// running sizes (at a million applications 113 MB of the index). For a batch run, which
    /// asks the index built once about the applications it holds and their clusters; every
    /// query still answers as before.
    ///
    /// # Panics
    ///
    /// Any append afterwards panics: the index can no longer take one.
    pub(crate) fn drop_append_state(&mut self) {
        self.links = Vec::new();
        self.union.journal = Vec::new();
        self.union.size = Vec::new();
        self.union.apps = Vec::new();
        self.held_only = true;
    }

    fn assert_appendable(&self) {
        assert!(
            !self.held_only,
            "an index whose append state was dropped takes no append"
        );
    }

    /// The identity cluster of an application over everything the index holds: the component
    /// of its row once every link is in. Not point in time, so never a feature: it keeps one
    /// cluster from straddling a training and a test split.
    pub fn cluster(&self, slot: Slot) -> u32 {
        self.union.root(self.app_node[slot as usize])
    }

    /// Union–find nodes of the component-forming keys of an application row.
    fn row_nodes(&self, row: &EntityKeys) -> impl Iterator<Item = u32> + '_ {
        let row = *row;
        KeyKind::ALL
            .into_iter()
            .filter(|k| forms_components(*k))
            .filter_map(move |k| {
                let g = *self.group_of.get(&(row.get(k)?, k.index() as u8))?;
                self.groups[g as usize].node()
            })
    }

    /// Rebuilds every link from the application rows, then the union–find.
    fn rebuild_links(&mut self) {
        // Found on every core (a few hash lookups per application); the union–find that
        // follows must take them one at a time, in time order.
        let this = &*self;
        let links = (0..this.apps.len())
            .into_par_iter()
            .flat_map_iter(|slot| {
                let app = &this.apps[slot];
                this.row_nodes(&app.row)
                    .map(move |node| (app.submitted_at, this.app_node[slot], node))
            })
            .collect();
        self.links = links;
        self.rebuild_union();
    }

    /// Appends one application (slot = the previous [`len`](Self::len)) with its telemetry
    /// samples and labels. Rows may be older than rows already held: later answers stay exact.
    pub fn push_application(
        &mut self,
        app: ApplicationKeys,
        samples: &[SampleKeys],
        labels: &[(i64, bool)],
    ) -> Slot {
        self.assert_appendable();
        let slot = self.apps.len() as Slot;
        self.apps.push(app);
        let mut l = labels.to_vec();
        l.sort_unstable();
        self.labels.push(l);
        self.memberships.push(Vec::new());
        let node = self.union.add_node(1);
        self.app_node.push(node);
        self.add_memberships(slot, &app.row, app.submitted_at);
        for s in samples {
            self.add_memberships(slot, &s.keys.to_entity_keys(), s.event_at);
        }
        let app_node = self.app_node[slot as usize];
        let links: Vec<(i64, u32, u32)> = self
            .row_nodes(&app.row)
            .map(|node| (app.submitted_at, app_node, node))
            .collect();
        self.add_links(links);
        slot
    }

    /// Appends many rows at once: `applications` get the slots from [`len`](Self::len) on, in
    /// order; `samples` (`(slot, sample)`) and `labels` (`(slot, labeled_at, is_fraud)`) may
    /// name those new slots or slots already held (slots beyond the new ones are ignored). Rows
    /// may be older than rows already held. The result answers every query exactly as
    /// [`build`](Self::build) over all rows would; each touched group is re-sorted and
    /// recounted once, and the union–find is rebuilt at most once, so a batch costs about one
    /// pass over the groups it touches rather than one per row.
    pub fn extend(
        &mut self,
        applications: &[ApplicationKeys],
        samples: &[(Slot, SampleKeys)],
        labels: &[(Slot, i64, bool)],
    ) {
        self.assert_appendable();
        let first = self.apps.len();
        let n = first + applications.len();
        self.apps.extend_from_slice(applications);
        self.labels.resize(n, Vec::new());
        self.memberships.resize(n, Vec::new());
        for _ in first..n {
            let node = self.union.add_node(1);
            self.app_node.push(node);
        }
        let mut labeled: Vec<Slot> = Vec::new();
        for &(slot, at, fraud) in labels {
            if let Some(l) = self.labels.get_mut(slot as usize) {
                l.push((at, fraud));
                labeled.push(slot);
            }
        }
        labeled.sort_unstable();
        labeled.dedup();
        for &slot in &labeled {
            self.labels[slot as usize].sort_unstable();
        }
        let mut dirty: Vec<u32> = Vec::new();
        for (i, app) in applications.iter().enumerate() {
            self.add_memberships_deferred(
                (first + i) as Slot,
                &app.row,
                app.submitted_at,
                &mut dirty,
            );
        }
        for &(slot, s) in samples {
            if (slot as usize) < n {
                self.add_memberships_deferred(
                    slot,
                    &s.keys.to_entity_keys(),
                    s.event_at,
                    &mut dirty,
                );
            }
        }
        for &slot in &labeled {
            dirty.extend(self.memberships[slot as usize].iter().map(|m| m.0));
        }
        dirty.sort_unstable();
        dirty.dedup();
        for &g in &dirty {
            self.groups[g as usize]
                .entries
                .sort_unstable_by_key(|e| (e.time, e.slot));
            self.refresh_group(g);
        }
        let mut links: Vec<(i64, u32, u32)> = Vec::new();
        for (i, app) in applications.iter().enumerate() {
            let app_node = self.app_node[first + i];
            links.extend(
                self.row_nodes(&app.row)
                    .map(|node| (app.submitted_at, app_node, node)),
            );
        }
        self.add_links(links);
    }

    /// Adds component links, in any time order. Links no older than the newest held are simply
    /// applied. Older ones undo the unions made after the oldest new link's time (the
    /// union–find's journal), then apply the new links and the undone ones in time order: the
    /// cost is that of the links after that time, not of the whole history.
    fn add_links(&mut self, mut links: Vec<(i64, u32, u32)>) {
        links.sort_unstable();
        let Some(&(from, _, _)) = links.first() else {
            return;
        };
        // Links at `from` itself may stay: the order of links of one time does not matter.
        let start = self.links.partition_point(|l| l.0 <= from);
        let mut redo = self.links.split_off(start);
        if !redo.is_empty() {
            self.union.rollback_after(from);
            // Both are sorted by time: merge them.
            redo.extend(links);
            redo.sort_by_key(|l| l.0);
            links = redo;
        }
        for &(time, a, b) in &links {
            self.union.union(a, b, time);
        }
        self.links.extend(links);
    }

    /// [`add_memberships`](Self::add_memberships) without keeping the group sorted and counted:
    /// new entries go to the end and the group is listed in `dirty` (possibly more than once), for
    /// [`extend`](Self::extend) to sort and recount once.
    fn add_memberships_deferred(
        &mut self,
        slot: Slot,
        keys: &EntityKeys,
        time: i64,
        dirty: &mut Vec<u32>,
    ) {
        for kind in KeyKind::ALL {
            let Some(key) = keys.get(kind) else { continue };
            let g = self.group_for(key, kind);
            if let Some(entry) = self.note_membership(slot, g, time) {
                self.groups[g as usize].entries.push(entry);
                dirty.push(g);
            }
        }
    }

    /// The group of `key` of `kind`, created (with its union–find node) if new.
    fn group_for(&mut self, key: Key, kind: KeyKind) -> u32 {
        let id = (key, kind.index() as u8);
        if let Some(&g) = self.group_of.get(&id) {
            return g;
        }
        let g = self.groups.len() as u32;
        self.group_of.insert(id, g);
        let node = forms_components(kind).then(|| self.union.add_node(0));
        self.groups.push(Group::new(kind.index() as u8, node));
        g
    }

    /// Records that `slot` belongs to group `g` from `time`. `None` when it already did from
    /// `time` or earlier; otherwise the entry to add to the group (an entry of `slot` from a
    /// later time is removed from the group first).
    fn note_membership(&mut self, slot: Slot, g: u32, time: i64) -> Option<Entry> {
        let membership = self.memberships[slot as usize]
            .iter_mut()
            .find(|m| m.0 == g);
        match membership {
            Some(m) if m.1 <= time => return None,
            Some(m) => {
                m.1 = time;
                self.groups[g as usize].entries.retain(|e| e.slot != slot);
            }
            None => self.memberships[slot as usize].push((g, time)),
        }
        Some(Entry {
            time,
            slot,
            identity: self.apps[slot as usize].identity,
            identities: 0,
        })
    }

    /// Appends telemetry samples of an application already held.
    pub fn push_samples(&mut self, slot: Slot, samples: &[SampleKeys]) {
        self.assert_appendable();
        if (slot as usize) < self.apps.len() {
            for s in samples {
                self.add_memberships(slot, &s.keys.to_entity_keys(), s.event_at);
            }
        }
    }

    /// Appends a label of an application already held.
    pub fn push_label(&mut self, slot: Slot, labeled_at: i64, is_fraud: bool) {
        self.assert_appendable();
        let Some(labels) = self.labels.get_mut(slot as usize) else {
            return;
        };
        let at = labels.partition_point(|l| *l <= (labeled_at, is_fraud));
        labels.insert(at, (labeled_at, is_fraud));
        let groups: Vec<u32> = self.memberships[slot as usize]
            .iter()
            .map(|m| m.0)
            .collect();
        for g in groups {
            self.refresh_fraud(g);
        }
    }

    fn add_memberships(&mut self, slot: Slot, keys: &EntityKeys, time: i64) {
        for kind in KeyKind::ALL {
            let Some(key) = keys.get(kind) else { continue };
            let g = self.group_for(key, kind);
            let Some(entry) = self.note_membership(slot, g, time) else {
                continue;
            };
            let entries = &mut self.groups[g as usize].entries;
            let at = entries.partition_point(|e| (e.time, e.slot) < (time, slot));
            entries.insert(at, entry);
            self.refresh_group(g);
        }
    }

    /// Recomputes a group's running identity counts, identity table and fraud events.
    fn refresh_group(&mut self, g: u32) {
        self.groups[g as usize].refresh(&self.labels);
    }

    /// Recomputes a group's known-fraud events from its entries and their labels.
    fn refresh_fraud(&mut self, g: u32) {
        self.groups[g as usize].refresh_fraud(&self.labels);
    }

    fn rebuild_union(&mut self) {
        self.links.par_sort_unstable();
        self.union.reset();
        // One journal entry per link at most.
        self.union.journal.reserve_exact(self.links.len());
        for &(time, a, b) in &self.links {
            self.union.union(a, b, time);
        }
    }

    /// The key groups of `kind` that an application's query touches (its row and its samples).
    fn query_groups(&self, q: &HistoryQuery<'_>, kind: KeyKind, out: &mut Vec<u32>) {
        out.clear();
        let keys = std::iter::once(q.keys.row.get(kind))
            .chain(q.samples.iter().map(|s| s.keys.get(kind)))
            .flatten();
        for key in keys {
            if let Some(&g) = self.group_of.get(&(key, kind.index() as u8))
                && !out.contains(&g)
            {
                out.push(g);
            }
        }
    }

    /// What the history says about `q` at its `submitted_at`.
    pub fn query(&self, q: &HistoryQuery<'_>) -> HistorySignals {
        let t = q.keys.submitted_at;
        let own = q.slot.filter(|s| (*s as usize) < self.apps.len());
        let own_fraud = own.is_some_and(|s| fraud_at(&self.labels[s as usize], t));
        let mut out = HistorySignals::default();
        let mut groups = Vec::new();
        for kind in KeyKind::ALL {
            let stats = &mut out.by_kind[kind.index()];
            stats.present = q.keys.row.get(kind).is_some()
                || q.samples.iter().any(|s| s.keys.get(kind).is_some());
            self.query_groups(q, kind, &mut groups);
            for &g in &groups {
                let group = &self.groups[g as usize];
                // What the index holds of the application itself, whatever samples the query
                // brings: subtracting exactly the held membership leaves the history of
                // everything else.
                let own_first = own.and_then(|s| {
                    self.memberships[s as usize]
                        .iter()
                        .find(|m| m.0 == g)
                        .map(|m| m.1)
                });
                stats.merge(&group_stats(
                    group,
                    t,
                    q.keys.identity,
                    own_first,
                    own_fraud,
                ));
            }
        }
        out.component_size = self.component_size(&q.keys);
        out
    }

    /// [`query`](Self::query) for the application held at `slot`, asked with exactly the
    /// samples it is held with (the batch path): its groups are its memberships, so no key is
    /// looked up. Equal to `query` with `slot: Some(slot)`, its held keys and its held samples.
    ///
    /// # Panics
    ///
    /// If the index does not hold `slot`.
    pub fn query_held(&self, slot: Slot) -> HistorySignals {
        let app = &self.apps[slot as usize];
        let t = app.submitted_at;
        let own_fraud = fraud_at(&self.labels[slot as usize], t);
        let mut out = HistorySignals::default();
        for &(g, first) in &self.memberships[slot as usize] {
            let group = &self.groups[g as usize];
            let stats = &mut out.by_kind[usize::from(group.kind)];
            stats.present = true;
            stats.merge(&group_stats(group, t, app.identity, Some(first), own_fraud));
        }
        out.component_size = self.component_size(app);
        out
    }

    /// Applications linked to `q`'s row before its `submitted_at`, plus itself. The
    /// application's own node is linked only at `submitted_at`, so it never appears among the
    /// roots and needs no subtraction.
    fn component_size(&self, keys: &ApplicationKeys) -> u32 {
        let t = keys.submitted_at;
        let mut roots: Vec<u32> = Vec::new();
        for node in self.row_nodes(&keys.row) {
            let root = self.union.find(node, t);
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        1 + roots.iter().map(|r| self.union.apps_at(*r, t)).sum::<u32>()
    }
}

fn forms_components(kind: KeyKind) -> bool {
    matches!(
        kind,
        KeyKind::Address | KeyKind::Device | KeyKind::Phone | KeyKind::Email
    )
}

fn push_keys(raw: &mut Vec<(Key, u8, Slot, i64)>, keys: &EntityKeys, time: i64, slot: Slot) {
    for kind in KeyKind::ALL {
        if let Some(k) = keys.get(kind) {
            raw.push((k, kind.index() as u8, slot, time));
        }
    }
}

/// The intervals in which the last known label says fraud: `(start, end)` means fraud is
/// known for `t` in `(start, end]` (`end = None`: from then on). `labels` is sorted.
fn fraud_intervals(labels: &[(i64, bool)]) -> impl Iterator<Item = (i64, Option<i64>)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < labels.len() && !labels[i].1 {
            i += 1;
        }
        let start = labels.get(i)?.0;
        while i < labels.len() && labels[i].1 {
            i += 1;
        }
        let end = labels.get(i).map(|l| l.0);
        Some((start, end))
    })
}

/// Whether the last label known before `t` (sorted `labels`) says fraud.
fn fraud_at(labels: &[(i64, bool)], t: i64) -> bool {
    let known = labels.partition_point(|l| l.0 < t);
    known > 0 && labels[known - 1].1
}

/// Stats of one group at `t`. `own_first` is the queried application's first time in this
/// group when the index holds it (its contribution is subtracted).
fn group_stats(
    group: &Group,
    t: i64,
    identity: Key,
    own_first: Option<i64>,
    own_fraud: bool,
) -> KeyStats {
    let entries = &group.entries;
    let before = entries.partition_point(|e| e.time < t);
    let own_before = own_first.is_some_and(|f| f < t);
    let mut s = KeyStats {
        present: true,
        apps_before: before as u32 - u32::from(own_before),
        ..KeyStats::default()
    };
    for (slot, days) in s.apps_in_window.iter_mut().zip(WINDOWS_DAYS) {
        let from = t.saturating_sub(days * MICROS_PER_DAY);
        let lo = entries.partition_point(|e| e.time < from);
        let own_in = own_first.is_some_and(|f| f >= from && f < t);
        *slot = (before - lo) as u32 - u32::from(own_in);
    }
    let identities = if before == 0 {
        0
    } else {
        entries[before - 1].identities
    };
    let identity_first = group.identity_first();
    let own_identity_before = if identity_first.is_empty() {
        entries[..before].iter().any(|e| e.identity == identity)
    } else {
        identity_first
            .binary_search_by_key(&identity, |p| p.0)
            .is_ok_and(|i| identity_first[i].1 < t)
    };
    s.other_identities_before = identities - u32::from(own_identity_before);
    let fraud_events = group.fraud();
    let known = fraud_events.partition_point(|e| e.0 < t);
    let fraud = if known == 0 {
        0
    } else {
        fraud_events[known - 1].1
    };
    let own = i32::from(own_before && own_fraud);
    s.fraud_known = u32::try_from(fraud - own).unwrap_or(0);
    s
}

/// A union–find that remembers when each link appeared, so "the component of `x` at time `t`"
/// can be asked for any `t`. Union by size, no path compression (that would rewrite history);
/// depth stays O(log n). Links must be added in time order; [`TimedUnionFind::rollback_after`]
/// undoes the unions after a time, so that older links can be added, then the undone ones
/// again.
#[derive(Debug, Default, Serialize, Deserialize)]
struct TimedUnionFind {
    parent: Vec<u32>,
    linked_at: Vec<i64>,
    /// Nodes under each node (union by size) and applications under it now.
    size: Vec<u32>,
    apps: Vec<u32>,
    initial_apps: Vec<u32>,
    /// Per node: its list in `histories`, [`NO_HISTORY`] while nothing was ever linked under
    /// it (most nodes: a vector each would cost 24 bytes per node).
    history_of: Vec<u32>,
    /// Per root that ever had a link: (time, applications from that time on), sorted.
    histories: Vec<Vec<(i64, u32)>>,
    /// Every union made, in the order made (so by time): what undoing it needs.
    journal: Vec<Union>,
}

/// One union of a [`TimedUnionFind`]: `small` was linked under its parent at `time`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Union {
    time: i64,
    small: u32,
    /// The applications the parent's last history entry held before the union when the union
    /// changed that entry (same time); [`Union::PUSHED`] when it pushed a new entry.
    replaced: u32,
}

impl Union {
    const PUSHED: u32 = u32::MAX;
}

/// [`TimedUnionFind::history_of`] of a node that has no history.
const NO_HISTORY: u32 = u32::MAX;

impl TimedUnionFind {
    fn add_node(&mut self, apps: u32) -> u32 {
        let id = self.parent.len() as u32;
        self.parent.push(id);
        self.linked_at.push(i64::MAX);
        self.size.push(1);
        self.apps.push(apps);
        self.initial_apps.push(apps);
        self.history_of.push(NO_HISTORY);
        id
    }

    /// Room for `additional` more nodes, exactly (the batch build knows how many).
    fn reserve_exact(&mut self, additional: usize) {
        self.parent.reserve_exact(additional);
        self.linked_at.reserve_exact(additional);
        self.size.reserve_exact(additional);
        self.apps.reserve_exact(additional);
        self.initial_apps.reserve_exact(additional);
        self.history_of.reserve_exact(additional);
    }

    fn reset(&mut self) {
        for (i, p) in self.parent.iter_mut().enumerate() {
            *p = i as u32;
        }
        self.linked_at.fill(i64::MAX);
        self.size.fill(1);
        self.apps.copy_from_slice(&self.initial_apps);
        self.history_of.fill(NO_HISTORY);
        self.histories = Vec::new();
        self.journal.clear();
    }

    /// Undoes every union made after `time`, newest first: the structure is then the one the
    /// links up to `time` alone make.
    fn rollback_after(&mut self, time: i64) {
        while let Some(&u) = self.journal.last() {
            if u.time <= time {
                break;
            }
            self.journal.pop();
            let small = u.small as usize;
            let big = self.parent[small] as usize;
            self.parent[small] = u.small;
            self.linked_at[small] = i64::MAX;
            self.size[big] -= self.size[small];
            self.apps[big] -= self.apps[small];
            if let Some(h) = self.histories.get_mut(self.history_of[big] as usize) {
                if u.replaced == Union::PUSHED {
                    h.pop();
                } else if let Some(last) = h.last_mut() {
                    last.1 = u.replaced;
                }
            }
        }
    }

    /// The root of `x` now.
    fn root(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    /// The root of `x` counting only links made before `t`.
    fn find(&self, mut x: u32, t: i64) -> u32 {
        loop {
            let p = self.parent[x as usize];
            if p == x || self.linked_at[x as usize] >= t {
                return x;
            }
            x = p;
        }
    }

    /// Applications in the component rooted (at `t`) at `root`, counting links before `t`.
    fn apps_at(&self, root: u32, t: i64) -> u32 {
        let h = self
            .histories
            .get(self.history_of[root as usize] as usize)
            .map_or(&[][..], Vec::as_slice);
        let i = h.partition_point(|e| e.0 < t);
        if i == 0 {
            self.initial_apps[root as usize]
        } else {
            h[i - 1].1
        }
    }

    fn union(&mut self, a: u32, b: u32, time: i64) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.linked_at[small as usize] = time;
        self.size[big as usize] += self.size[small as usize];
        self.apps[big as usize] += self.apps[small as usize];
        let apps = self.apps[big as usize];
        let list = &mut self.history_of[big as usize];
        if *list == NO_HISTORY {
            *list = self.histories.len() as u32;
            self.histories.push(Vec::with_capacity(1));
        }
        let h = &mut self.histories[*list as usize];
        let replaced = match h.last_mut() {
            Some(last) if last.0 == time => std::mem::replace(&mut last.1, apps),
            _ => {
                h.push((time, apps));
                Union::PUSHED
            }
        };
        self.journal.push(Union {
            time,
            small,
            replaced,
        });
    }
}

#[cfg(test)]
mod tests;

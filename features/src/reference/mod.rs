//! Reference data compiled into the crate: facts about the world that signal families look up
//! per application (time zones today), engine-agnostic and fast to query.

pub mod time_zones;

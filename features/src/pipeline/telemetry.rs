//! The `telemetry` table held compactly: what step one reads of each sample, 40 bytes a row,
//! without the table.
//!
//! A polars frame holds every telemetry string as a 16-byte view plus its bytes, and its IPs
//! as text: at a million applications (9.7 million samples) the frame is the largest thing a
//! feature run holds. [`CompactTelemetry`] keeps one fixed-size [`Row`] per sample, with the
//! strings of a run of rows stored once each and the IPs parsed once, so the frame can be
//! dropped before the per-application signals are computed.
//!
//! Strings are deduplicated within a piece of [`PIECE_ROWS`] rows, not across the table: the
//! signals compare strings by content, so a duplicate only costs its bytes, and pieces are
//! converted on every core without a shared map.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;

use polars::prelude::*;
use rayon::prelude::*;

use crate::parse_ip;
use crate::scan::PIECE_ROWS;
use crate::signals::remote_control::TelemetrySample;

/// No value (a null string, a missing or unparseable IP).
const NONE: u32 = u32::MAX;

/// Flags of [`Row::flags`]: which optional numbers are present, and the VM answer.
const HAS_TZ: u8 = 1;
const HAS_LAG: u8 = 2;
const HAS_TYPING: u8 = 4;
const HAS_VM: u8 = 8;
const IS_VM: u8 = 16;

/// One telemetry sample: strings and IP as ids into the [`CompactTelemetry`]'s tables
/// ([`NONE`] = null), numbers in place with presence flags.
#[derive(Debug, Clone, Copy, Default)]
struct Row {
    event_at: i64,
    session: u32,
    device: u32,
    tool: u32,
    screen: u32,
    ip: u32,
    lag: f32,
    typing: f32,
    /// Ingest keeps offsets within −720…+840 minutes, so they fit 16 bits (40 bytes a row
    /// instead of 48).
    tz: i16,
    flags: u8,
}

/// The telemetry table's sample columns, row by row in file order (see the module
/// documentation), in parts: one per chunk of the table as it was read, each allocated at its
/// exact size.
#[derive(Debug, Default)]
pub(crate) struct CompactTelemetry {
    parts: Vec<Part>,
    /// `starts[p]` is the first row of part `p`.
    starts: Vec<usize>,
    len: usize,
}

/// The rows of one chunk, with the strings and IPs they name.
#[derive(Debug, Default)]
struct Part {
    rows: Vec<Row>,
    /// Every string, one after another; string `i` ends at `ends[i]`.
    text: String,
    ends: Vec<u32>,
    ips: Vec<IpAddr>,
}

/// What one piece of rows contributes besides its rows: its strings and IPs, numbered from 0.
#[derive(Default)]
struct PieceTables {
    text: String,
    ends: Vec<u32>,
    ips: Vec<IpAddr>,
}

/// A piece's dictionary of distinct values.
struct Dictionary<K> {
    ids: HashMap<K, u32, foldhash::fast::RandomState>,
}

impl<K: Hash + Eq> Dictionary<K> {
    fn new() -> Self {
        Dictionary {
            ids: HashMap::with_hasher(Default::default()),
        }
    }

    /// The id of `key`, `add`ing it (with the next id) when new.
    fn id(&mut self, key: K, add: impl FnOnce()) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(key).or_insert_with(|| {
            add();
            next
        })
    }
}

impl CompactTelemetry {
    /// The sample columns of telemetry table `df` (ingest-validated), as one part.
    pub(crate) fn from_frame(df: &DataFrame) -> PolarsResult<Self> {
        let mut out = CompactTelemetry::default();
        out.append(df)?;
        Ok(out)
    }

    /// Appends the rows of `df` (the next rows of an ingest-validated telemetry table),
    /// converted a piece at a time on every core.
    pub(crate) fn append(&mut self, df: &DataFrame) -> PolarsResult<()> {
        if df.height() == 0 {
            return Ok(());
        }
        let part = Part::from_frame(df)?;
        self.starts.push(self.len);
        self.len += part.rows.len();
        self.parts.push(part);
        Ok(())
    }

    /// Number of rows.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    /// The sample of `row`, as the table's columns give it: a null `session_id` reads as `""`
    /// (ingest refuses one), the IP parsed with [`parse_ip`].
    pub(crate) fn sample(&self, row: usize) -> TelemetrySample<'_> {
        let p = if self.parts.len() == 1 {
            0
        } else {
            self.starts.partition_point(|&s| s <= row) - 1
        };
        self.parts[p].sample(row - self.starts[p])
    }
}

impl Part {
    fn from_frame(df: &DataFrame) -> PolarsResult<Self> {
        let height = df.height();
        let columns = SampleColumns::new(df)?;
        let mut rows = vec![Row::default(); height];
        let tables: Vec<PieceTables> = rows
            .par_chunks_mut(PIECE_ROWS)
            .enumerate()
            .map(|(k, chunk)| columns.slice(k * PIECE_ROWS, chunk.len()).convert(chunk))
            .collect::<PolarsResult<_>>()?;
        // The pieces' ids become ids into the part's strings and IPs.
        let mut bases = Vec::with_capacity(tables.len());
        let (mut strings, mut ips, mut bytes) = (0usize, 0usize, 0usize);
        for t in &tables {
            bases.push((strings as u32, ips as u32));
            strings += t.ends.len();
            ips += t.ips.len();
            bytes += t.text.len();
        }
        if u32::try_from(strings).is_err()
            || u32::try_from(ips).is_err()
            || u32::try_from(bytes).is_err()
        {
            polars_bail!(ComputeError: "a telemetry chunk has more than 2^32 distinct strings or bytes");
        }
        rows.par_chunks_mut(PIECE_ROWS)
            .zip(&bases)
            .for_each(|(chunk, &(s, i))| {
                let shift = |id: &mut u32, by: u32| {
                    if *id != NONE {
                        *id += by;
                    }
                };
                for r in chunk {
                    shift(&mut r.session, s);
                    shift(&mut r.device, s);
                    shift(&mut r.tool, s);
                    shift(&mut r.screen, s);
                    shift(&mut r.ip, i);
                }
            });
        let mut part = Part {
            rows,
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(strings),
            ips: Vec::with_capacity(ips),
        };
        for t in tables {
            let offset = part.text.len() as u32;
            part.text.push_str(&t.text);
            part.ends.extend(t.ends.iter().map(|e| e + offset));
            part.ips.extend_from_slice(&t.ips);
        }
        Ok(part)
    }

    fn string(&self, id: u32) -> Option<&str> {
        let id = id as usize;
        let end = *self.ends.get(id)? as usize;
        let start = if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        };
        Some(&self.text[start..end])
    }

    fn sample(&self, row: usize) -> TelemetrySample<'_> {
        let r = &self.rows[row];
        let has = |flag: u8| r.flags & flag != 0;
        TelemetrySample {
            session_id: self.string(r.session).unwrap_or_default(),
            event_at_micros: r.event_at,
            ip: self.ips.get(r.ip as usize).copied(),
            device_id: self.string(r.device),
            tz_offset_min: has(HAS_TZ).then_some(i32::from(r.tz)),
            input_lag_ms: has(HAS_LAG).then_some(r.lag),
            typing_interval_ms: has(HAS_TYPING).then_some(r.typing),
            remote_tool: self.string(r.tool),
            is_virtual_machine: has(HAS_VM).then_some(has(IS_VM)),
            screen: self.string(r.screen),
        }
    }
}

/// The sample columns of a telemetry frame (or of a slice of one).
struct SampleColumns {
    session: StringChunked,
    event_at: Int64Chunked,
    ip: StringChunked,
    device: StringChunked,
    tz: Int32Chunked,
    lag: Float32Chunked,
    typing: Float32Chunked,
    tool: StringChunked,
    vm: BooleanChunked,
    screen: StringChunked,
}

impl SampleColumns {
    fn new(df: &DataFrame) -> PolarsResult<Self> {
        let col = |name: &str| df.column(name).map(Column::as_materialized_series);
        Ok(SampleColumns {
            session: col("session_id")?.str()?.clone(),
            event_at: col("event_at")?.datetime()?.physical().clone(),
            ip: col("ip")?.str()?.clone(),
            device: col("device_id")?.str()?.clone(),
            tz: col("tz_offset_min")?.i32()?.clone(),
            lag: col("input_lag_ms")?.f32()?.clone(),
            typing: col("typing_interval_ms")?.f32()?.clone(),
            tool: col("remote_tool")?.str()?.clone(),
            vm: col("is_virtual_machine")?.bool()?.clone(),
            screen: col("screen")?.str()?.clone(),
        })
    }

    /// Rows `start..start + len` (zero-copy).
    fn slice(&self, start: usize, len: usize) -> Self {
        let s = start as i64;
        SampleColumns {
            session: self.session.slice(s, len),
            event_at: self.event_at.slice(s, len),
            ip: self.ip.slice(s, len),
            device: self.device.slice(s, len),
            tz: self.tz.slice(s, len),
            lag: self.lag.slice(s, len),
            typing: self.typing.slice(s, len),
            tool: self.tool.slice(s, len),
            vm: self.vm.slice(s, len),
            screen: self.screen.slice(s, len),
        }
    }

    /// Fills `out` (one row per row of these columns) with ids into the returned tables.
    fn convert<'s>(&'s self, out: &mut [Row]) -> PolarsResult<PieceTables> {
        if out.len() != self.session.len() {
            polars_bail!(ComputeError: "a telemetry piece of {} rows for {} samples", self.session.len(), out.len());
        }
        let mut tables = PieceTables::default();
        let mut strings: Dictionary<&'s str> = Dictionary::new();
        let mut ips: Dictionary<IpAddr> = Dictionary::new();
        let mut string_id = |tables: &mut PieceTables, s: Option<&'s str>| match s {
            None => NONE,
            Some(s) => strings.id(s, || {
                tables.text.push_str(s);
                tables.ends.push(tables.text.len() as u32);
            }),
        };
        let fields = self
            .session
            .iter()
            .zip(self.event_at.iter())
            .zip(self.ip.iter())
            .zip(self.device.iter())
            .zip(self.tz.iter())
            .zip(self.lag.iter())
            .zip(self.typing.iter())
            .zip(self.tool.iter())
            .zip(self.vm.iter())
            .zip(self.screen.iter());
        for (row, (((((((((session, at), ip), device), tz), lag), typing), tool), vm), screen)) in
            out.iter_mut().zip(fields)
        {
            let mut flags = 0;
            let mut number = |v: Option<f32>, flag: u8| {
                v.map_or(0.0, |v| {
                    flags |= flag;
                    v
                })
            };
            let lag = number(lag, HAS_LAG);
            let typing = number(typing, HAS_TYPING);
            let tz = match tz.map(i16::try_from) {
                None => 0,
                Some(Ok(tz)) => {
                    flags |= HAS_TZ;
                    tz
                }
                Some(Err(_)) => {
                    polars_bail!(ComputeError: "a telemetry tz_offset_min past 16 bits reached the compact rows: ingest lets none through")
                }
            };
            if let Some(vm) = vm {
                flags |= if vm { HAS_VM | IS_VM } else { HAS_VM };
            }
            let ip = match ip.and_then(parse_ip) {
                None => NONE,
                Some(ip) => ips.id(ip, || tables.ips.push(ip)),
            };
            *row = Row {
                event_at: at.unwrap_or_default(),
                session: string_id(&mut tables, Some(session.unwrap_or_default())),
                device: string_id(&mut tables, device),
                tool: string_id(&mut tables, tool),
                screen: string_id(&mut tables, screen),
                ip,
                tz,
                lag,
                typing,
                flags,
            };
        }
        Ok(tables)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_40_bytes() {
        assert_eq!(std::mem::size_of::<Row>(), 40);
    }

    /// Every sample read back from the compact rows equals the sample read from the frame's
    /// columns directly (the reference): nulls, unparseable and IPv4-mapped IPs, NaN-free
    /// numbers, repeated and distinct strings, over more than two pieces and several chunks.
    #[test]
    fn compact_rows_read_back_as_the_frame() {
        let n = PIECE_ROWS * 2 + 123;
        let text = |i: usize, m: usize, prefix: &str| {
            (i % 7 != 3).then(|| format!("{prefix}-{}", (i * 31) % m))
        };
        let frame = |range: std::ops::Range<usize>| {
            let rows: Vec<usize> = range.collect();
            let mut df = df!(
                "session_id" => rows.iter().map(|&i| Some(format!("s{}", i / 3))).collect::<Vec<_>>(),
                "ip" => rows.iter().map(|&i| match i % 5 {
                    0 => None,
                    1 => Some("not an ip".to_owned()),
                    2 => Some(format!("::ffff:10.0.{}.{}", i % 200, i % 250)),
                    3 => Some(format!(" 2001:db8::{:x} ", i % 977)),
                    _ => Some(format!("192.0.2.{}", i % 256)),
                }).collect::<Vec<_>>(),
                "device_id" => rows.iter().map(|&i| text(i, 1000, "dev")).collect::<Vec<_>>(),
                "tz_offset_min" => rows.iter().map(|&i| (i % 4 != 0).then_some(i as i32 % 1561 - 720)).collect::<Vec<_>>(),
                "input_lag_ms" => rows.iter().map(|&i| (i % 6 != 0).then_some(i as f32 / 7.0)).collect::<Vec<_>>(),
                "typing_interval_ms" => rows.iter().map(|&i| (i % 9 != 0).then_some(i as f32 / 3.0)).collect::<Vec<_>>(),
                "remote_tool" => rows.iter().map(|&i| (i % 13 == 0).then(|| ["anydesk", "", "teamviewer"][i % 3].to_owned())).collect::<Vec<_>>(),
                "is_virtual_machine" => rows.iter().map(|&i| (i % 10 != 0).then_some(i % 3 == 0)).collect::<Vec<_>>(),
                "screen" => rows.iter().map(|&i| text(i, 5, "1920x")).collect::<Vec<_>>(),
            )
            .expect("frame");
            let at = Int64Chunked::from_iter_options(
                "event_at".into(),
                rows.iter()
                    .map(|&i| (i % 11 != 0).then_some(i as i64 * 1_000)),
            )
            .into_datetime(TimeUnit::Microseconds, Some(TimeZone::UTC));
            df.with_column(at.into_column()).expect("event_at");
            df
        };
        // Three chunks: the first longer than a piece, the last shorter.
        let mut df = frame(0..PIECE_ROWS + 17);
        df.vstack_mut(&frame(PIECE_ROWS + 17..n)).expect("stacked");
        df.vstack_mut(&frame(n..n + 5)).expect("stacked");
        assert_eq!(df.column("screen").unwrap().n_chunks(), 3);

        // Read as one part, and as three (the way a streamed table arrives).
        let whole = CompactTelemetry::from_frame(&df).expect("converted");
        let mut parts = CompactTelemetry::default();
        for (start, len) in [
            (0, 1000),
            (1000, PIECE_ROWS + 5),
            (PIECE_ROWS + 1005, n + 5),
        ] {
            let len = len.min(df.height() - start);
            parts
                .append(&df.slice(start as i64, len))
                .expect("converted");
        }
        assert_eq!(parts.parts.len(), 3);
        let s = |name: &str| df.column(name).unwrap().str().unwrap().clone();
        let (session, ip, device, tool, screen) = (
            s("session_id"),
            s("ip"),
            s("device_id"),
            s("remote_tool"),
            s("screen"),
        );
        let at = df
            .column("event_at")
            .unwrap()
            .datetime()
            .unwrap()
            .physical()
            .clone();
        let tz = df.column("tz_offset_min").unwrap().i32().unwrap().clone();
        let lag = df.column("input_lag_ms").unwrap().f32().unwrap().clone();
        let typing = df
            .column("typing_interval_ms")
            .unwrap()
            .f32()
            .unwrap()
            .clone();
        let vm = df
            .column("is_virtual_machine")
            .unwrap()
            .bool()
            .unwrap()
            .clone();
        for row in 0..df.height() {
            let expected = TelemetrySample {
                session_id: session.get(row).unwrap_or_default(),
                event_at_micros: at.get(row).unwrap_or_default(),
                ip: ip.get(row).and_then(parse_ip),
                device_id: device.get(row),
                tz_offset_min: tz.get(row),
                input_lag_ms: lag.get(row),
                typing_interval_ms: typing.get(row),
                remote_tool: tool.get(row),
                is_virtual_machine: vm.get(row),
                screen: screen.get(row),
            };
            for compact in [&whole, &parts] {
                assert_eq!(compact.sample(row), expected, "row {row}");
            }
        }
        assert_eq!(whole.len(), df.height());
        assert_eq!(parts.len(), df.height());
        // Strings repeat within a piece, so they are stored once there.
        let strings = whole.parts[0].ends.len();
        assert!(strings < 4 * df.height() / 2, "{strings}");
    }
}

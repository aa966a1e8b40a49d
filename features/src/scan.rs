//! Scans of whole polars columns on every core.
//!
//! A column read from Parquet may come as one chunk of millions of rows, so splitting by chunk
//! alone can leave one core idle. [`pieces`] cuts the chunks into pieces of at most
//! [`PIECE_ROWS`] rows, each knowing its first row in the column, so a scan can run over them in
//! parallel and still report rows in file order.

use polars::prelude::*;
use rayon::prelude::*;

/// Rows per piece: large enough that a piece's work outweighs scheduling it, small enough that
/// two cores share a column of a few hundred thousand rows evenly.
pub(crate) const PIECE_ROWS: usize = 1 << 15;

/// A run of rows of one chunk of a column.
pub(crate) struct Piece<'a, T: PolarsDataType> {
    /// The row of the column that the piece starts at.
    pub(crate) first_row: usize,
    array: &'a T::Array,
    range: std::ops::Range<usize>,
}

impl<'a, T: PolarsDataType> Piece<'a, T> {
    /// The piece's values in row order (`None` = null).
    pub(crate) fn iter(&self) -> impl Iterator<Item = Option<T::Physical<'a>>> + '_ {
        let array = self.array;
        self.range.clone().map(move |i| array.get(i))
    }
}

/// The rows of `ca` cut into pieces of at most [`PIECE_ROWS`] rows, in row order.
pub(crate) fn pieces<T: PolarsDataType>(ca: &ChunkedArray<T>) -> Vec<Piece<'_, T>> {
    let mut out = Vec::with_capacity(ca.len().div_ceil(PIECE_ROWS) + ca.chunks().len());
    let mut first_row = 0;
    for (array, len) in ca.downcast_iter().zip(ca.chunk_lengths()) {
        for start in (0..len).step_by(PIECE_ROWS) {
            let end = (start + PIECE_ROWS).min(len);
            out.push(Piece {
                first_row: first_row + start,
                array,
                range: start..end,
            });
        }
        first_row += len;
    }
    out
}

/// The rows of `ca` (ascending) whose value `hit` accepts (`None` = null), found on every core.
pub(crate) fn rows_where<T>(
    ca: &ChunkedArray<T>,
    hit: impl Fn(usize, Option<T::Physical<'_>>) -> bool + Sync,
) -> Vec<usize>
where
    T: PolarsDataType,
    T::Array: Sync,
{
    pieces(ca)
        .into_par_iter()
        .flat_map_iter(|piece| {
            let first = piece.first_row;
            piece
                .iter()
                .enumerate()
                .filter_map(|(i, v)| hit(first + i, v).then_some(first + i))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column of three chunks, one longer than a piece, scanned as the plain iterator sees it.
    #[test]
    fn rows_where_reports_every_hit_in_row_order_across_chunks_and_pieces() {
        let n = PIECE_ROWS * 2 + 7;
        let mut ca = Int32Chunked::from_iter_options(
            "v".into(),
            (0..n as i32).map(|v| (v % 5 != 0).then_some(v)),
        );
        ca.append(&Int32Chunked::from_slice("v".into(), &[3, 4, 5]))
            .unwrap();
        ca.append(&Int32Chunked::from_iter_options(
            "v".into(),
            [None, Some(9)].into_iter(),
        ))
        .unwrap();
        assert_eq!(ca.chunks().len(), 3);
        let expected: Vec<usize> = ca
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_none_or(|v| v % 3 == 0))
            .map(|(i, _)| i)
            .collect();
        let found = rows_where(&ca, |_, v| v.is_none_or(|v| v % 3 == 0));
        assert_eq!(found, expected);
        let pieces = pieces(&ca);
        assert_eq!(pieces.len(), 5);
        let flat: Vec<Option<i32>> = pieces.iter().flat_map(|p| p.iter()).collect();
        assert_eq!(flat, ca.iter().collect::<Vec<_>>());
        // The row passed to `hit` is the value's own row.
        assert!(
            rows_where(&ca, |row, v| v.is_some_and(|v| v as usize != row)
                && row < n)
            .is_empty()
        );
    }
}

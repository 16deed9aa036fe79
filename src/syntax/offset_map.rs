//! Maps byte offsets in a decoded string back to byte offsets in the scenario file.
//!
//! The DSL parser works on text: the `.scn` file itself, a decoded TOML string, or the
//! inside of an f-string field. It reports spans through an [`OffsetMap`], so every span
//! it produces points into the file the user wrote, even through escape sequences.

use std::sync::Arc;

use super::span::Span;

/// A piecewise map from decoded offsets to file offsets.
#[derive(Clone, Debug)]
pub struct OffsetMap {
    /// Runs sorted by `dec`; each covers decoded offsets up to the next run's `dec`.
    runs: Arc<Vec<Run>>,
    /// Added to every decoded offset before lookup (a sub-string's start).
    shift: usize,
    /// Byte offsets of the file's line starts, when the file is known, so that messages
    /// can name lines ("the block opened at line 3").
    line_starts: Option<Arc<Vec<u32>>>,
}

/// One run of the map.
#[derive(Clone, Copy, Debug)]
struct Run {
    /// Decoded offset where the run starts.
    dec: usize,
    /// File offset of the run's first byte.
    file: u32,
    /// `true`: decoded bytes map one-to-one to file bytes. `false`: the run is one escape
    /// sequence of `file_len` file bytes; all its decoded bytes map to the whole escape.
    linear: bool,
    file_len: u32,
}

impl OffsetMap {
    /// The identity shifted by `base`: decoded offset `d` is file offset `base + d`.
    pub fn identity(base: usize) -> OffsetMap {
        OffsetMap {
            runs: Arc::new(vec![Run {
                dec: 0,
                file: base as u32,
                linear: true,
                file_len: 0,
            }]),
            shift: 0,
            line_starts: None,
        }
    }

    /// The identity map for a whole file, which also knows the file's lines.
    pub fn for_file(text: &str) -> OffsetMap {
        OffsetMap::identity(0).with_lines(text)
    }

    /// Attaches the line table of the file the offsets point into.
    pub fn with_lines(mut self, file_text: &str) -> OffsetMap {
        let starts = std::iter::once(0)
            .chain(file_text.match_indices('\n').map(|(i, _)| i as u32 + 1))
            .collect();
        self.line_starts = Some(Arc::new(starts));
        self
    }

    /// Shares `other`'s line table (both maps point into the same file).
    pub fn with_lines_of(mut self, other: &OffsetMap) -> OffsetMap {
        self.line_starts = other.line_starts.clone();
        self
    }

    /// A builder for the map of a decoded string that starts at file offset `start`.
    pub fn builder(start: usize) -> OffsetMapBuilder {
        OffsetMapBuilder {
            runs: Vec::new(),
            dec: 0,
            file: start as u32,
        }
    }

    /// The map of the sub-string starting at decoded offset `start`.
    pub fn shifted(&self, start: usize) -> OffsetMap {
        OffsetMap {
            shift: self.shift + start,
            ..self.clone()
        }
    }

    fn run_at(&self, d: usize) -> &Run {
        let i = self.runs.partition_point(|r| r.dec <= d);
        &self.runs[i.saturating_sub(1)]
    }

    /// The file offset of decoded offset `d`.
    pub fn pos(&self, d: usize) -> usize {
        let d = d + self.shift;
        let r = self.run_at(d);
        if r.linear {
            r.file as usize + (d - r.dec)
        } else {
            r.file as usize
        }
    }

    /// The file offset just past the decoded byte at `d`.
    fn end_of(&self, d: usize) -> usize {
        let d = d + self.shift;
        let r = self.run_at(d);
        if r.linear {
            r.file as usize + (d - r.dec) + 1
        } else {
            (r.file + r.file_len) as usize
        }
    }

    /// The file span of the decoded range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let s = self.pos(start);
        if end <= start {
            return Span::new(s, s);
        }
        Span::new(s, self.end_of(end - 1).max(s))
    }

    /// The 1-based file line of a file offset, if the map knows the file.
    pub fn line_of(&self, file_offset: usize) -> Option<usize> {
        let starts = self.line_starts.as_ref()?;
        Some(starts.partition_point(|&s| s as usize <= file_offset))
    }
}

/// Records the runs of a decoded string while it is being decoded.
#[derive(Debug)]
pub struct OffsetMapBuilder {
    runs: Vec<Run>,
    /// Decoded bytes produced so far.
    dec: usize,
    /// File offset of the next undecoded byte.
    file: u32,
}

impl OffsetMapBuilder {
    /// `n` bytes copied verbatim from the file.
    pub fn verbatim(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        let extends = self.runs.last().is_some_and(|r| {
            r.linear && r.file as usize + (self.dec - r.dec) == self.file as usize
        });
        if !extends {
            self.runs.push(Run {
                dec: self.dec,
                file: self.file,
                linear: true,
                file_len: 0,
            });
        }
        self.dec += n;
        self.file += n as u32;
    }

    /// `file_len` file bytes (an escape) that decode to `dec_len` bytes.
    pub fn escape(&mut self, file_len: usize, dec_len: usize) {
        if dec_len > 0 {
            self.runs.push(Run {
                dec: self.dec,
                file: self.file,
                linear: false,
                file_len: file_len as u32,
            });
        }
        self.dec += dec_len;
        self.file += file_len as u32;
    }

    /// The finished map; decoded offsets past the end continue linearly from where the
    /// decoded text ended in the file.
    pub fn finish(mut self) -> OffsetMap {
        self.runs.push(Run {
            dec: self.dec,
            file: self.file,
            linear: true,
            file_len: 0,
        });
        OffsetMap {
            runs: Arc::new(self.runs),
            shift: 0,
            line_starts: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_map_to_their_whole_source_text() {
        // File: `"a\tb"` at offset 10; decoded "a<TAB>b".
        let mut b = OffsetMap::builder(11);
        b.verbatim(1);
        b.escape(2, 1);
        b.verbatim(1);
        let m = b.finish();
        assert_eq!(m.pos(0), 11);
        assert_eq!(m.pos(1), 12);
        assert_eq!(m.pos(2), 14);
        assert_eq!(m.span(1, 2), Span::new(12, 14));
        assert_eq!(m.span(0, 3), Span::new(11, 15));
        assert_eq!(m.pos(3), 15);
        assert_eq!(m.shifted(2).pos(0), 14);
    }

    #[test]
    fn identity_knows_lines() {
        let m = OffsetMap::for_file("a\nb\nc");
        assert_eq!(m.line_of(0), Some(1));
        assert_eq!(m.line_of(2), Some(2));
        assert_eq!(m.line_of(4), Some(3));
        assert_eq!(m.span(2, 3), Span::new(2, 3));
    }
}

//! The one place diagnostics become text, through annotate-snippets (rustc's renderer).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity};
use crate::syntax::span::{SourceFile, Span};

/// Renders `diags` against `file`, each as a rustc-style report with a
/// `file:line:col` header, `^^^` under the primary span and `---` under secondary
/// ones, then `help:` and `note:` lines. `color` adds ANSI styling.
pub fn render(file: &SourceFile, diags: &[Diagnostic], color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        // The primary label first: the header's line:col comes from the first annotation.
        let mut labels: Vec<_> = d.labels.iter().collect();
        labels.sort_by_key(|l| !l.primary);
        let mut group = Group::with_title(level.primary_title(d.message.as_str()));
        if !labels.is_empty() {
            let annotations = labels.iter().map(|l| {
                let kind = if l.primary {
                    AnnotationKind::Primary
                } else {
                    AnnotationKind::Context
                };
                let label = (!l.message.is_empty()).then_some(l.message.as_str());
                kind.span(clamp(&file.text, l.span)).label(label)
            });
            let snippet = Snippet::source(file.text.as_str())
                .path(file.name.as_str())
                .line_start(1)
                .annotations(annotations);
            group = group.element(snippet);
        }
        if let Some(h) = &d.help {
            group = group.element(Level::HELP.message(h.as_str()));
        }
        for n in &d.notes {
            group = group.element(Level::NOTE.message(n.as_str()));
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&renderer.render(&[group]));
        out.push('\n');
    }
    out
}

/// `span` as a range that is inside `text` and on character boundaries.
fn clamp(text: &str, span: Span) -> std::ops::Range<usize> {
    let mut start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_render_has_header_labels_help_and_note() {
        let file = SourceFile::new("s.scn", "x = 1\nq.pt(2)\n");
        let d = Diagnostic::error("unknown method 'pt' on Queue", Span::new(8, 10))
            .with_label("no such method")
            .with_secondary(Span::new(0, 1), "defined here")
            .with_help("did you mean 'put'?")
            .with_note("Queue methods: put, get");
        let out = render(&file, &[d], false);
        assert!(out.contains("error: unknown method 'pt' on Queue"), "{out}");
        assert!(out.contains("--> s.scn:2:3"), "{out}");
        assert!(out.contains("^^ no such method"), "{out}");
        assert!(out.contains("- defined here"), "{out}");
        assert!(out.contains("help: did you mean 'put'?"), "{out}");
        assert!(out.contains("note: Queue methods: put, get"), "{out}");
        assert!(!out.contains('\u{1b}'), "{out}");
    }

    #[test]
    fn columns_count_characters_on_chinese_lines() {
        let text = "名字 = 1\n进程 = Process(目标)\n";
        let file = SourceFile::new("中文.scn", text);
        let start = text.find("目标").unwrap();
        let d = Diagnostic::error("unknown name", Span::new(start, start + "目标".len()));
        let out = render(&file, &[d], false);
        // `进程 = Process(` is 13 characters; the name starts at column 14.
        assert!(out.contains("--> 中文.scn:2:14"), "{out}");
        let line = out.lines().find(|l| l.contains('^')).unwrap();
        // Two wide characters are underlined by four carets.
        assert!(line.contains("^^^^"), "{out}");
    }

    #[test]
    fn color_adds_ansi_and_bad_spans_do_not_panic() {
        let file = SourceFile::new("s.scn", "é");
        let d = Diagnostic::error("x", Span::new(1, 99));
        assert!(render(&file, std::slice::from_ref(&d), true).contains('\u{1b}'));
        assert!(render(&file, &[d], false).contains("s.scn:1:"));
    }
}

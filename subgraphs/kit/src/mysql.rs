//! MySQL / MariaDB specifics.

/// Escapes `LIKE` wildcards so a search for `50%` matches the text literally.
pub fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

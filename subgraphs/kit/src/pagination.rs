//! Relay pagination arguments: `first` (default 20, at most 100) and an opaque `after` cursor.
//!
//! Lists are ordered by id; ids are UUIDv7, so that is creation order and the cursor is the
//! id of the last row seen.

use async_graphql::{
    ObjectType, OutputType,
    connection::{Connection, Edge, EmptyFields},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::InputError;

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// Validated page arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub first: i32,
    pub after: Option<Uuid>,
}

impl Page {
    pub fn parse(first: Option<i32>, after: Option<&str>) -> Result<Self, InputError> {
        let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(0..=MAX_PAGE_SIZE).contains(&first) {
            return Err(InputError::new(
                "first",
                format!("`first` must be between 0 and {MAX_PAGE_SIZE}, got {first}"),
            ));
        }
        let after = after.map(decode_cursor).transpose()?;
        Ok(Self { first, after })
    }

    /// Rows to fetch: one more than asked, to learn whether there is a next page.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.first) + 1
    }
}

/// Builds a Relay connection from rows fetched with [`Page::fetch_limit`]: drops the extra
/// row and turns its presence into `hasNextPage`.
pub fn connection<Row, Node, Extra>(
    page: Page,
    mut rows: Vec<Row>,
    id_of: impl Fn(&Row) -> Uuid,
    into_node: impl Fn(Row) -> Node,
    extra: Extra,
) -> Connection<String, Node, Extra, EmptyFields>
where
    Node: OutputType,
    Extra: ObjectType,
{
    let first = usize::try_from(page.first).unwrap_or(0);
    let has_next = rows.len() > first;
    rows.truncate(first);
    let mut connection = Connection::with_additional_fields(page.after.is_some(), has_next, extra);
    connection.edges.extend(
        rows.into_iter()
            .map(|row| Edge::new(encode_cursor(id_of(&row)), into_node(row))),
    );
    connection
}

pub fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<Uuid, InputError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| Uuid::from_slice(&bytes).ok())
        .ok_or_else(|| InputError::new("after", "`after` is not a cursor returned by this list"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_defaults_to_twenty() {
        assert_eq!(Page::parse(None, None).expect("valid").first, 20);
    }

    #[test]
    fn first_above_one_hundred_is_refused() {
        let error = Page::parse(Some(101), None).expect_err("101 is too many");
        assert_eq!(error.field, "first");
        assert!(Page::parse(Some(-1), None).is_err());
        assert!(Page::parse(Some(100), None).is_ok());
    }

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        let page = Page::parse(Some(5), Some(&encode_cursor(id))).expect("valid cursor");
        assert_eq!(page.after, Some(id));
        assert_eq!(
            Page::parse(None, Some("nope!")).expect_err("garbage").field,
            "after"
        );
    }
}

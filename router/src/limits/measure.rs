//! How big an operation is, measured before anything parses it: how deep brackets nest in
//! its text and in its variables, and how many fields it selects once its fragments are
//! expanded (memoised per fragment, so one walk of the document).

use std::collections::HashMap;

use hive_router::{
    graphql_tools::static_graphql::query::{Definition, Document, Selection, SelectionSet},
    sonic_rs,
};

/// `text` with its `%XX` escapes and `+` decoded (a URL's query string).
pub(super) fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let escaped = (bytes[at] == b'%')
            .then(|| bytes.get(at + 1..at + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (escaped, bytes[at]) {
            (Some(byte), _) => {
                decoded.push(byte);
                at += 3;
            }
            (None, b'+') => {
                decoded.push(b' ');
                at += 1;
            }
            (None, byte) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    decoded
}

/// How deep `{`, `(` and `[` nest in GraphQL text or JSON, outside strings and comments.
pub fn bracket_nesting(text: impl AsRef<[u8]>) -> usize {
    let bytes = text.as_ref();
    let (mut depth, mut deepest, mut at) = (0usize, 0usize, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'{' | b'(' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    // `\"\"\"` is an escaped delimiter inside a block string.
                    at += if bytes[at..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                at += 2;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            _ => {}
        }
        at += 1;
    }
    deepest
}

/// How deep decoded variables nest, counted as their JSON text would be: the variables
/// object is the first level, each array or object in it one more. Walked without recursion.
pub fn value_nesting<'a>(values: impl IntoIterator<Item = &'a sonic_rs::Value>) -> usize {
    use sonic_rs::JsonContainerTrait as _;

    let mut pending: Vec<(&sonic_rs::Value, usize)> =
        values.into_iter().map(|value| (value, 2)).collect();
    let mut deepest = usize::from(!pending.is_empty());
    while let Some((value, depth)) = pending.pop() {
        if let Some(array) = value.as_array() {
            deepest = deepest.max(depth);
            pending.extend(array.iter().map(|item| (item, depth + 1)));
        } else if let Some(object) = value.as_object() {
            deepest = deepest.max(depth);
            pending.extend(object.iter().map(|(_, item)| (item, depth + 1)));
        }
    }
    deepest
}

/// Fields the document's operations select, every fragment spread counted as the fields of
/// its fragment (saturating: a count past `usize::MAX` is still too many).
pub fn selected_fields(document: &Document) -> usize {
    let fragments: HashMap<&str, &SelectionSet> = document
        .definitions
        .iter()
        .filter_map(|definition| match definition {
            Definition::Fragment(fragment) => {
                Some((fragment.name.as_str(), &fragment.selection_set))
            }
            Definition::Operation(_) => None,
        })
        .collect();
    let mut counter = FieldCounter {
        fragments,
        counted: HashMap::new(),
    };
    document
        .definitions
        .iter()
        .filter_map(|definition| match definition {
            Definition::Operation(operation) => Some(operation_selection(operation)),
            Definition::Fragment(_) => None,
        })
        .fold(0, |total, set| total.saturating_add(counter.count(set)))
}

fn operation_selection(
    operation: &hive_router::graphql_tools::static_graphql::query::OperationDefinition,
) -> &SelectionSet {
    use hive_router::graphql_tools::static_graphql::query::OperationDefinition;
    match operation {
        OperationDefinition::SelectionSet(set) => set,
        OperationDefinition::Query(query) => &query.selection_set,
        OperationDefinition::Mutation(mutation) => &mutation.selection_set,
        OperationDefinition::Subscription(subscription) => &subscription.selection_set,
    }
}

struct FieldCounter<'doc> {
    fragments: HashMap<&'doc str, &'doc SelectionSet>,
    /// Fields per fragment once counted; `None` while being counted (a cycle, which
    /// validation refuses, counts nothing more here).
    counted: HashMap<&'doc str, Option<usize>>,
}

impl<'doc> FieldCounter<'doc> {
    fn count(&mut self, set: &'doc SelectionSet) -> usize {
        set.items.iter().fold(0, |total, selection| {
            let more = match selection {
                Selection::Field(field) => 1usize.saturating_add(self.count(&field.selection_set)),
                Selection::InlineFragment(inline) => self.count(&inline.selection_set),
                Selection::FragmentSpread(spread) => self.fragment(&spread.fragment_name),
            };
            total.saturating_add(more)
        })
    }

    fn fragment(&mut self, name: &'doc str) -> usize {
        if let Some(known) = self.counted.get(name) {
            return known.unwrap_or(0);
        }
        let Some(set) = self.fragments.get(name).copied() else {
            return 0;
        };
        self.counted.insert(name, None);
        let fields = self.count(set);
        self.counted.insert(name, Some(fields));
        fields
    }
}

#[cfg(test)]
mod tests {
    use hive_router::graphql_tools::parser::parse_query;

    use super::{HashMap, bracket_nesting, selected_fields, sonic_rs, value_nesting};

    #[test]
    fn decoded_variables_nest_as_their_text_does() {
        let text = r#"{"a": 1, "b": [[{"c": [2]}]], "d": {}}"#;
        let variables: HashMap<String, sonic_rs::Value> =
            sonic_rs::from_str(text).expect("variables");
        assert_eq!(value_nesting(variables.values()), bracket_nesting(text));
        assert_eq!(value_nesting(variables.values()), 5);
        assert_eq!(value_nesting([]), 0);
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_nest() {
        assert_eq!(bracket_nesting("{ a(x: [1, {y: 2}]) { b } }"), 4);
        assert_eq!(bracket_nesting(r#"{ a(s: "{{{[[[((") }"#), 2);
        assert_eq!(bracket_nesting(r#"{ a(s: "\"{{{") }"#), 2);
        assert_eq!(bracket_nesting("{ a # {{{{{{\n b }"), 1);
        assert_eq!(bracket_nesting(r#"{ a(s: """ {{{ \""" {{{ """) }"#), 2);
        assert_eq!(bracket_nesting("{".repeat(100)), 100);
        assert_eq!(
            bracket_nesting(br#"{"query": "{ a { b } }", "variables": {"v": [[1]]}}"#),
            4
        );
    }

    #[test]
    fn a_query_string_is_read_decoded() {
        assert_eq!(
            super::percent_decoded("a=%5B%5b+x%7D&b=%zz"),
            b"a=[[ x}&b=%zz"
        );
    }

    fn fields(query: &str) -> usize {
        selected_fields(&parse_query::<String>(query).expect("parses").into_static())
    }

    #[test]
    fn fields_are_counted_with_their_fragments_expanded() {
        assert_eq!(fields("{ a b { c d } }"), 4);
        assert_eq!(fields("{ ...F x { ...F } } fragment F on Query { a b }"), 5);
        assert_eq!(fields("{ ... on Query { a } }"), 1);
    }

    #[test]
    fn fragments_that_multiply_are_counted_without_expanding_them() {
        let mut query = String::from("{ ...F0 }");
        for level in 0..60 {
            let next = level + 1;
            query.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}"
            ));
        }
        query.push_str(" fragment F60 on Query { a }");
        assert_eq!(fields(&query), 1 << 60);
        let mut deeper = query.replace("F60 on Query { a }", "F60 on Query { ...F61 ...F61 }");
        for level in 61..70 {
            let next = level + 1;
            deeper.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}"
            ));
        }
        deeper.push_str(" fragment F70 on Query { a }");
        assert_eq!(fields(&deeper), usize::MAX, "saturates");
    }

    #[test]
    fn a_fragment_cycle_ends_the_count() {
        assert_eq!(
            fields("{ ...A } fragment A on Query { a ...B } fragment B on Query { b ...A }"),
            2
        );
    }
}

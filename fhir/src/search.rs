//! FHIR search requests: the parameters a resource supports (also what the
//! CapabilityStatement lists), strict parsing of the query string, and `searchset` Bundles
//! with paging links.

use crate::{
    model::{Bundle, BundleEntry, BundleLink, BundleSearch, Resource},
    outcome::FhirError,
};

/// Page size when the caller gives no `_count`; the most a page holds.
pub const DEFAULT_COUNT: u32 = 20;
pub const MAX_COUNT: u32 = 100;

/// Longest value of any parameter, in characters.
const MAX_VALUE_CHARS: usize = 256;

/// A search parameter a resource supports.
#[derive(Debug, Clone, Copy)]
pub struct SearchParam {
    pub name: &'static str,
    /// FHIR's search parameter type: `string`, `token`, `date`, `reference`.
    pub kind: &'static str,
    /// Modifiers accepted besides none (`contains`).
    pub modifiers: &'static [&'static str],
    /// May it be given more than once (every value must hold)?
    pub repeats: bool,
    pub documentation: &'static str,
}

impl SearchParam {
    pub const fn new(name: &'static str, kind: &'static str, documentation: &'static str) -> Self {
        Self {
            name,
            kind,
            modifiers: &[],
            repeats: false,
            documentation,
        }
    }

    /// `_id`: the record `documentation` names, searched alone.
    pub const fn id(documentation: &'static str) -> Self {
        Self::new("_id", "token", documentation)
    }

    /// Accepting `:contains` (what the plain parameter does too).
    pub const fn contains(self) -> Self {
        Self {
            modifiers: &["contains"],
            ..self
        }
    }

    /// May be given more than once, every value holding.
    pub const fn repeating(self) -> Self {
        Self {
            repeats: true,
            ..self
        }
    }
}

/// Parameters of every search: paging and the format.
const GENERAL: [&str; 3] = ["_count", "_cursor", "_format"];

/// A parsed search: its own parameters, the page asked for, and the query string as
/// given (for the Bundle's links).
#[derive(Debug, Clone)]
pub struct Search {
    pub resource: &'static str,
    values: Vec<(String, String)>,
    pub count: u32,
    pub cursor: Option<String>,
    pairs: Vec<(String, String)>,
}

impl Search {
    /// Checks every parameter against `params`: an unknown parameter, modifier, repeated
    /// value, OR list (a comma) or over-long value is refused, never ignored.
    pub fn parse(
        resource: &'static str,
        params: &[SearchParam],
        pairs: Vec<(String, String)>,
    ) -> Result<Self, FhirError> {
        let mut search = Self {
            resource,
            values: Vec::new(),
            count: DEFAULT_COUNT,
            cursor: None,
            pairs: pairs.clone(),
        };
        for (key, value) in pairs {
            let (name, modifier) = match key.split_once(':') {
                Some((name, modifier)) => (name, Some(modifier)),
                None => (key.as_str(), None),
            };
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(FhirError::parameter(
                    resource,
                    name,
                    format!("`{name}` is over {MAX_VALUE_CHARS} characters"),
                ));
            }
            if GENERAL.contains(&name) && modifier.is_none() {
                search.general(name, &value)?;
                continue;
            }
            let Some(param) = params.iter().find(|param| param.name == name) else {
                let known: Vec<&str> = params
                    .iter()
                    .map(|param| param.name)
                    .chain(["_count"])
                    .collect();
                return Err(FhirError::not_supported(format!(
                    "`{name}` is not a search parameter of {resource} here: use {}",
                    known.join(", ")
                )));
            };
            if let Some(modifier) = modifier
                && !param.modifiers.contains(&modifier)
            {
                return Err(FhirError::parameter(
                    resource,
                    name,
                    format!("The modifier `:{modifier}` is not supported on `{name}`"),
                ));
            }
            if value.is_empty() {
                return Err(FhirError::parameter(
                    resource,
                    name,
                    format!("`{name}` has no value"),
                ));
            }
            if value.contains(',') {
                return Err(FhirError::parameter(
                    resource,
                    name,
                    format!(
                        "`{name}` takes one value: searching for any of several (a comma) is not supported"
                    ),
                ));
            }
            if !param.repeats && search.values.iter().any(|(given, _)| given == name) {
                return Err(FhirError::parameter(
                    resource,
                    name,
                    format!("`{name}` is given more than once: give it once"),
                ));
            }
            search.values.push((name.to_owned(), value));
        }
        Ok(search)
    }

    fn general(&mut self, name: &str, value: &str) -> Result<(), FhirError> {
        match name {
            "_count" => {
                let count: u32 =
                    value
                        .parse()
                        .ok()
                        .filter(|count| *count > 0)
                        .ok_or_else(|| {
                            FhirError::parameter(
                                self.resource,
                                "_count",
                                format!(
                                    "`_count` is a page size from 1 to {MAX_COUNT}, not `{value}`"
                                ),
                            )
                        })?;
                self.count = count.min(MAX_COUNT);
            }
            "_cursor" => self.cursor = Some(value.to_owned()),
            _ => check_format(value)?,
        }
        Ok(())
    }

    /// The value of parameter `name`, if given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(given, _)| given == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of a repeatable parameter.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.values
            .iter()
            .filter(move |(given, _)| given == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of `name`, a parameter searched alone: `Err` when others come with it.
    pub fn alone_value(&self, name: &str) -> Result<Option<&str>, FhirError> {
        match self.value(name) {
            Some(value) => self.alone(name).map(|()| Some(value)),
            None => Ok(None),
        }
    }

    /// `Err` when a parameter other than `name` is given with it.
    pub fn alone(&self, name: &str) -> Result<(), FhirError> {
        match self.values.iter().find(|(given, _)| given != name) {
            Some((other, _)) => Err(self.refuse(
                name,
                format!("`{name}` is searched alone: leave out `{other}`"),
            )),
            None => Ok(()),
        }
    }

    /// A parameter's value refused with `why`.
    pub fn refuse(&self, name: &str, why: impl Into<String>) -> FhirError {
        FhirError::parameter(self.resource, name, why)
    }

    /// The `searchset` Bundle of one page: `total` across pages, `self` and (when there is
    /// one) `next` links, each entry found by the search (`match`).
    pub fn bundle(
        &self,
        base: &str,
        total: u64,
        next_cursor: Option<&str>,
        resources: Vec<Resource>,
    ) -> Bundle {
        let mut link = vec![BundleLink {
            relation: "self",
            url: self.url(base, self.cursor.as_deref()),
        }];
        if let Some(cursor) = next_cursor {
            link.push(BundleLink {
                relation: "next",
                url: self.url(base, Some(cursor)),
            });
        }
        Bundle {
            kind: "searchset",
            total,
            link,
            entry: resources
                .into_iter()
                .map(|resource| entry(base, resource, "match"))
                .collect(),
        }
    }

    /// This search's URL with page `cursor`.
    fn url(&self, base: &str, cursor: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.pairs {
            if name != "_cursor" {
                query.append_pair(name, value);
            }
        }
        if let Some(cursor) = cursor {
            query.append_pair("_cursor", cursor);
        }
        let query = query.finish();
        if query.is_empty() {
            format!("{base}/{}", self.resource)
        } else {
            format!("{base}/{}?{query}", self.resource)
        }
    }
}

/// A Bundle entry with its full URL (`base/Type/id`).
pub fn entry(base: &str, resource: Resource, mode: &'static str) -> BundleEntry {
    let full_url = format!(
        "{base}/{}/{}",
        resource.type_name(),
        resource.id().unwrap_or_default()
    );
    BundleEntry {
        full_url,
        resource,
        search: BundleSearch { mode },
    }
}

/// `_format`: JSON is all this server speaks.
pub fn check_format(value: &str) -> Result<(), FhirError> {
    let media = value.split(';').next().unwrap_or_default().trim();
    if matches!(media, "json" | "application/json" | "application/fhir+json") {
        Ok(())
    } else {
        Err(FhirError::new(
            axum::http::StatusCode::NOT_ACCEPTABLE,
            "not-supported",
            format!("`_format={value}`: this server answers in JSON only (application/fhir+json)"),
        ))
    }
}

/// The id of a reference search value: `Patient/[id]`, or the id alone.
pub fn reference_id<'a>(value: &'a str, resource_type: &str) -> Option<&'a str> {
    match value.split_once('/') {
        Some((kind, id)) if kind == resource_type && !id.contains('/') => Some(id),
        Some(_) => None,
        None => Some(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: &[SearchParam] = &[
        SearchParam::new("name", "string", "").contains(),
        SearchParam::new("date", "date", "").repeating(),
    ];

    fn parse(query: &[(&str, &str)]) -> Result<Search, FhirError> {
        let pairs = query
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        Search::parse("Patient", PARAMS, pairs)
    }

    #[test]
    fn unknown_parameters_and_modifiers_are_reported() {
        let unknown = parse(&[("nmae", "ada")]).expect_err("unknown");
        assert_eq!(unknown.status, 400);
        assert!(
            unknown
                .diagnostics
                .contains("`nmae` is not a search parameter")
        );
        assert!(unknown.diagnostics.contains("name, date, _count"));
        let modifier = parse(&[("name:exact", "Ada")]).expect_err("modifier");
        assert!(modifier.diagnostics.contains("`:exact`"));
        assert_eq!(modifier.expression.as_deref(), Some("Patient.name"));
        assert!(parse(&[("_sort", "name")]).is_err());
        assert!(parse(&[("name", "a,b")]).is_err());
        assert!(parse(&[("name", "a"), ("name", "b")]).is_err());
        assert!(parse(&[("name", "")]).is_err());
        assert!(parse(&[("name", &"x".repeat(257))]).is_err());
    }

    #[test]
    fn values_paging_and_format() {
        let search = parse(&[
            ("name:contains", "ada"),
            ("date", "ge2026"),
            ("date", "lt2027"),
            ("_count", "500"),
            ("_format", "application/fhir+json"),
        ])
        .expect("a search");
        assert_eq!(search.value("name"), Some("ada"));
        assert_eq!(
            search.values("date").collect::<Vec<_>>(),
            ["ge2026", "lt2027"]
        );
        assert_eq!(search.count, MAX_COUNT);
        assert!(parse(&[("_count", "0")]).is_err());
        assert!(parse(&[("_count", "ten")]).is_err());
        assert_eq!(parse(&[("_format", "xml")]).expect_err("xml").status, 406);
    }

    #[test]
    fn links_keep_the_search_and_move_the_cursor() {
        let search = parse(&[("name", "Ada L"), ("_cursor", "abc")]).expect("a search");
        let bundle = search.bundle("http://fhir.test/fhir", 41, Some("def"), Vec::new());
        assert_eq!(bundle.total, 41);
        assert_eq!(
            bundle.link[0].url,
            "http://fhir.test/fhir/Patient?name=Ada+L&_cursor=abc"
        );
        assert_eq!(bundle.link[1].relation, "next");
        assert_eq!(
            bundle.link[1].url,
            "http://fhir.test/fhir/Patient?name=Ada+L&_cursor=def"
        );
    }

    #[test]
    fn references_name_their_type_or_give_the_id_alone() {
        assert_eq!(reference_id("Patient/123", "Patient"), Some("123"));
        assert_eq!(reference_id("123", "Patient"), Some("123"));
        assert_eq!(reference_id("Practitioner/123", "Patient"), None);
        assert_eq!(reference_id("http://other/Patient/123", "Patient"), None);
    }
}

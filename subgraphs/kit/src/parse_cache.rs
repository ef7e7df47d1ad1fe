//! Caches parsed GraphQL documents by their text.
//!
//! Parsing is the largest single cost of a small query in async-graphql (a pest grammar), and
//! a router sends the same few query texts over and over with different variables. The cache
//! is bounded by count; once full it stops adding, so a client sending endless distinct
//! documents costs memory only up to the bound, and known shapes stay fast.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
};

use async_graphql::{
    ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::ExecutableDocument,
};

/// Documents kept at most.
pub const CAPACITY: usize = 1_000;
/// Longer query texts are not cached.
pub const MAX_QUERY_LEN: usize = 16 * 1024;

/// The extension factory: add it to a schema with `.extension(ParseCache::default())`.
#[derive(Default)]
pub struct ParseCache {
    documents: Arc<RwLock<HashMap<String, ExecutableDocument>>>,
}

impl ExtensionFactory for ParseCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ParseCacheExtension {
            documents: Arc::clone(&self.documents),
        })
    }
}

struct ParseCacheExtension {
    documents: Arc<RwLock<HashMap<String, ExecutableDocument>>>,
}

#[async_trait::async_trait]
impl Extension for ParseCacheExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(document) = self
            .documents
            .read()
            .ok()
            .and_then(|cache| cache.get(query).cloned())
        {
            return Ok(document);
        }
        let document = next.run(ctx, query, variables).await?;
        if query.len() <= MAX_QUERY_LEN
            && let Ok(mut cache) = self.documents.write()
            && cache.len() < CAPACITY
        {
            cache.insert(query.to_owned(), document.clone());
        }
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;

    struct Query;

    #[Object]
    impl Query {
        async fn hello(&self, name: String) -> String {
            format!("hello {name}")
        }
    }

    #[tokio::test]
    async fn a_cached_document_answers_with_each_requests_own_variables() {
        let cache = ParseCache::default();
        let documents = Arc::clone(&cache.documents);
        let schema = Schema::build(Query, EmptyMutation, EmptySubscription)
            .extension(cache)
            .finish();
        let query = "query($name: String!) { hello(name: $name) }";
        for name in ["ana", "rui"] {
            let request = async_graphql::Request::new(query)
                .variables(Variables::from_json(serde_json::json!({ "name": name })));
            let response = schema.execute(request).await;
            assert_eq!(
                response.data.into_json().expect("json")["hello"],
                format!("hello {name}")
            );
        }
        assert_eq!(documents.read().expect("cache").len(), 1);
        let broken = schema.execute("{ hello(").await;
        assert!(
            !broken.errors.is_empty(),
            "a syntax error is still reported"
        );
        assert_eq!(
            documents.read().expect("cache").len(),
            1,
            "failures are not cached"
        );
    }
}

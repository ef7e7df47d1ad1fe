//! What one request may ask of a subgraph, through the kit's real HTTP server: every
//! refusal is `LIMIT_EXCEEDED` naming its limit, a slow request is stopped at its time
//! limit, a request whose client has gone stops, and introspection and GraphiQL follow the
//! deployment's switch. The router's legitimate plans (100 representations) still pass.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use async_graphql::{Context, EmptyMutation, EmptySubscription, ID, Object, SimpleObject};
use kit::{
    app::Service,
    limits,
    settings::HttpSettings,
    testing::{assert_error, assert_error_saying},
};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// Work a test resolver started and work it finished: a dropped request starts and never
/// finishes.
#[derive(Default)]
struct Work {
    started: AtomicUsize,
    finished: AtomicUsize,
}

#[derive(SimpleObject)]
struct Item {
    id: ID,
    name: String,
}

struct Query;

#[Object]
impl Query {
    async fn item(&self, id: ID) -> Item {
        Item {
            name: format!("item {}", id.as_str()),
            id,
        }
    }

    /// Takes `millis` to answer.
    async fn slow(&self, ctx: &Context<'_>, millis: u64) -> bool {
        let work = ctx.data_unchecked::<Arc<Work>>();
        work.started.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(millis)).await;
        work.finished.fetch_add(1, Ordering::SeqCst);
        true
    }

    #[graphql(entity)]
    async fn find_item_by_id(&self, id: ID) -> Item {
        Item {
            name: format!("item {}", id.as_str()),
            id,
        }
    }
}

struct Subgraph {
    url: String,
    work: Arc<Work>,
    stop: CancellationToken,
}

impl Drop for Subgraph {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn subgraph(configure: impl FnOnce(&mut HttpSettings)) -> Subgraph {
    let mut http = HttpSettings::loopback();
    configure(&mut http);
    let work = Arc::new(Work::default());
    let schema = kit::server::subgraph_schema(Query, EmptyMutation, EmptySubscription)
        .data(Arc::clone(&work))
        .finish();
    let router = kit::server::router(schema, Vec::new(), &http);
    let service = Service::bind("limits-test", &http, router)
        .await
        .expect("bind");
    let url = format!("http://127.0.0.1:{}/graphql", service.port());
    let stop = CancellationToken::new();
    tokio::spawn(service.run_until(stop.clone()));
    Subgraph { url, work, stop }
}

async fn post(url: &str, body: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .json(body)
        .send()
        .await
        .expect("subgraph answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

fn assert_refused_by(response: &Value, limit: &str) {
    assert_error(response, "LIMIT_EXCEEDED", None);
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["limit"], limit, "{response}");
    let max = error["extensions"]["max"]
        .as_u64()
        .expect("the limit's value");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|message| message.contains(&max.to_string())),
        "the message names the value: {response}"
    );
}

fn entities_query(count: usize) -> Value {
    let representations: Vec<Value> = (0..count)
        .map(|n| json!({ "__typename": "Item", "id": n.to_string() }))
        .collect();
    json!({
        "query": "query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Item { id name } } }",
        "variables": { "representations": representations },
    })
}

#[tokio::test]
async fn a_page_of_entities_resolves_and_too_many_representations_are_refused() {
    let subgraph = subgraph(|_| {}).await;

    let (status, page) = post(&subgraph.url, &entities_query(100)).await;
    assert_eq!(status, 200);
    assert!(page["errors"].is_null(), "{page}");
    assert_eq!(
        page["data"]["_entities"].as_array().map(Vec::len),
        Some(100)
    );

    let (_, refused) = post(&subgraph.url, &entities_query(limits::MAX_ENTITIES + 1)).await;
    assert_refused_by(&refused, "max_entities");

    let inline: Vec<String> = (0..=limits::MAX_ENTITIES)
        .map(|n| format!("{{__typename:\"Item\",id:\"{n}\"}}"))
        .collect();
    let query = format!(
        "{{ _entities(representations: [{}]) {{ ... on Item {{ id }} }} }}",
        inline.join(",")
    );
    let (_, refused) = post(&subgraph.url, &json!({ "query": query })).await;
    assert_refused_by(&refused, "max_entities");
}

#[tokio::test]
async fn repeated_fields_long_texts_and_large_bodies_are_refused_quickly() {
    let subgraph = subgraph(|_| {}).await;

    // `item` and `name` count one each.
    let many_fields = format!(
        "{{ {} }}",
        "item(id:\"1\"){name} ".repeat(limits::MAX_COMPLEXITY / 2 + 1)
    );
    assert!(many_fields.len() < limits::MAX_QUERY_CHARS);
    let started = Instant::now();
    let (_, refused) = post(&subgraph.url, &json!({ "query": many_fields })).await;
    assert_refused_by(&refused, "max_complexity");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let long_text = format!("{{ {} }}", "__typename ".repeat(20_000));
    let started = Instant::now();
    let (_, refused) = post(&subgraph.url, &json!({ "query": long_text })).await;
    assert_refused_by(&refused, "max_query_chars");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let directives = format!(
        "{{ __typename {} }}",
        "@include(if: true) ".repeat(limits::MAX_DIRECTIVES + 1)
    );
    let (_, refused) = post(&subgraph.url, &json!({ "query": directives })).await;
    assert_refused_by(&refused, "max_directives");

    let huge = json!({ "query": "{ __typename }", "variables": { "x": "x".repeat(300 * 1024) } });
    let (status, refused) = post(&subgraph.url, &huge).await;
    assert_eq!(status, 413);
    assert_refused_by(&refused, "max_request_body_size");

    let (status, answered) = post(
        &subgraph.url,
        &json!({ "query": "{ item(id: \"1\") { name } }" }),
    )
    .await;
    assert_eq!(
        (status, answered["data"]["item"]["name"].clone()),
        (200, json!("item 1"))
    );
}

#[tokio::test]
async fn a_request_past_its_time_limit_is_stopped_and_told_so() {
    let subgraph = subgraph(|http| http.request_timeout = Duration::from_millis(300)).await;

    let started = Instant::now();
    let (status, refused) =
        post(&subgraph.url, &json!({ "query": "{ slow(millis: 5000) }" })).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status, 503);
    assert_refused_by(&refused, "request_timeout_ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(subgraph.work.started.load(Ordering::SeqCst), 1);
    assert_eq!(
        subgraph.work.finished.load(Ordering::SeqCst),
        0,
        "the work was stopped"
    );
}

#[tokio::test]
async fn a_request_whose_client_has_gone_stops_its_work() {
    let subgraph = subgraph(|_| {}).await;

    let gave_up = reqwest::Client::new()
        .post(&subgraph.url)
        .timeout(Duration::from_millis(300))
        .json(&json!({ "query": "{ slow(millis: 2000) }" }))
        .send()
        .await;
    assert!(gave_up.is_err(), "the client gave up first");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(subgraph.work.started.load(Ordering::SeqCst), 1);
    assert_eq!(
        subgraph.work.finished.load(Ordering::SeqCst),
        0,
        "the work stopped with its client"
    );
}

#[tokio::test]
async fn introspection_and_graphiql_follow_the_deployment_switch() {
    let introspection = json!({ "query": "{ __schema { queryType { name } } }" });

    let closed = subgraph(|_| {}).await;
    let (_, refused) = post(&closed.url, &introspection).await;
    assert_error_saying(&refused, "FORBIDDEN", None, "GRAPHQL_INTROSPECTION");
    let page = reqwest::get(&closed.url).await.expect("GET answers");
    assert_ne!(page.status(), 200, "no GraphiQL");
    let (_, entities) = post(&closed.url, &entities_query(1)).await;
    assert_eq!(
        entities["data"]["_entities"][0]["name"], "item 0",
        "federation still works"
    );

    let open = subgraph(|http| http.introspection = true).await;
    let (_, answered) = post(&open.url, &introspection).await;
    assert_eq!(
        answered["data"]["__schema"]["queryType"]["name"], "Query",
        "{answered}"
    );
    let page = reqwest::get(&open.url).await.expect("GET answers");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("page").contains("graphiql"));
}

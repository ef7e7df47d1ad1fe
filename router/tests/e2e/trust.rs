//! Subgraphs trust only the router: a direct call without its credential is 401 on
//! `/graphql` and closed on `/ws`; with it, served; the probes stay open. Every other test
//! of this suite runs its subgraphs the same way, so the router presenting the credential
//! (over HTTP, and in `connection_init` on the appointments subscription socket) is checked
//! by all of them (`journey::a_subscriber_through_the_router_sees_another_clients_booking`).

use kit::{
    testing::{assert_error_saying, connection_init, graphql_with},
    trust::HEADER,
};
use serde_json::json;

use super::{journey::Api as _, system::system};

#[tokio::test(flavor = "multi_thread")]
async fn a_direct_call_without_the_routers_credential_is_refused() {
    let system = system().await;
    let secret = system.subgraph_secret.clone();
    for (name, base_url) in system.subgraphs() {
        let url = format!("{base_url}/graphql");
        let query = "{ _service { sdl } }";
        for presented in [None, Some("not-the-secret")] {
            let mut request = reqwest::Client::new().post(&url);
            if let Some(value) = presented {
                request = request.header(HEADER, value);
            }
            let response = request
                .json(&json!({ "query": query }))
                .send()
                .await
                .expect("an answer");
            assert_eq!(response.status(), 401, "{name} with {presented:?}");
            let answer = response.json().await.expect("JSON");
            assert_error_saying(&answer, "UNAUTHENTICATED", None, "answers only the router");
        }
        let served = graphql_with(&url, &[(HEADER, &secret)], query, json!({})).await;
        assert!(
            served["data"]["_service"]["sdl"].is_string(),
            "{name}: {served}"
        );

        for probe in ["/health", "/ready"] {
            let answer = reqwest::get(format!("{base_url}{probe}"))
                .await
                .expect("the probe answers");
            assert_eq!(answer.status(), 200, "{name}{probe}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscription_socket_without_the_credential_is_closed() {
    use futures::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest as _};

    let system = system().await;
    let ws_url = format!(
        "{}/ws",
        system.appointments.base_url.replace("http://", "ws://")
    );
    for payload in [json!({}), json!({ HEADER: "not-the-secret" })] {
        let mut request = ws_url.as_str().into_client_request().expect("request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("protocol"),
        );
        let (mut socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the upgrade");
        let mut init = connection_init(None);
        init["payload"] = payload.clone();
        socket
            .send(Message::text(init.to_string()))
            .await
            .expect("sent");
        let answer = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await
            .expect("an answer within 10 s");
        match answer {
            Some(Ok(Message::Close(Some(frame)))) => {
                // async-graphql closes a refused `connection_init` as a protocol error.
                assert_eq!(u16::from(frame.code), 1002, "{payload}: {frame:?}");
                assert!(
                    frame.reason.contains("answers only the router"),
                    "{frame:?}"
                );
            }
            other => panic!("{payload}: the socket should close, not {other:?}"),
        }
    }
}

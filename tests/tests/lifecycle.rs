//! The core client against the sandbox over real HTTP on loopback.

use portal_core::server::{ServerConfig, ServerKind};
use portal_core::services::session::{Credentials, sign_in};
use portal_core::{ErrorCode, Secret};
use portal_sandbox::{Config, Sandbox, spawn};

const UA: &str = "partner-portal-tests/0";

async fn sandbox() -> Sandbox {
    spawn(Config {
        admin_password: Some("correct horse".into()),
        ..Config::default()
    })
    .await
    .expect("the sandbox starts on loopback")
}

fn server(sandbox: &Sandbox) -> ServerConfig {
    ServerConfig::parse(ServerKind::Sandbox, &sandbox.base_url()).expect("loopback URL")
}

#[tokio::test]
async fn sign_in_and_out_through_the_core_client() {
    let sandbox = sandbox().await;
    let password = Secret::new("correct horse".into());
    let connection = sign_in(
        server(&sandbox),
        Credentials {
            email: sandbox.admin_email(),
            password: &password,
        },
        UA,
    )
    .await
    .expect("the right credentials sign in");
    let view = connection.view();
    assert_eq!(view.partner.name, "Acme Resellers");
    assert_eq!(view.admin.email, sandbox.admin_email());
    assert!(view.partner.id.as_str().starts_with("org_"));
    connection.sign_out().await.expect("sign out");
    connection
        .sign_out()
        .await
        .expect("signing out an ended session is not an error");
    sandbox.stop().await;
}

#[tokio::test]
async fn a_wrong_password_is_unauthorized_with_a_request_id() {
    let sandbox = sandbox().await;
    let password = Secret::new("wrong".into());
    let error = sign_in(
        server(&sandbox),
        Credentials {
            email: sandbox.admin_email(),
            password: &password,
        },
        UA,
    )
    .await
    .expect_err("a wrong password must not sign in");
    assert_eq!(error.code(), ErrorCode::Unauthorized);
    assert!(
        error.request_id().is_some_and(|id| id.starts_with("req_")),
        "{error:?}"
    );
    assert!(
        !format!("{error:?} {error}").contains("wrong"),
        "the password must not be echoed"
    );
}

#[tokio::test]
async fn throttled_sign_ins_say_when_to_retry() {
    let sandbox = sandbox().await;
    let wrong = Secret::new("wrong".into());
    let credentials = || Credentials {
        email: sandbox.admin_email(),
        password: &wrong,
    };
    for _ in 0..5 {
        let e = sign_in(server(&sandbox), credentials(), UA)
            .await
            .expect_err("wrong password");
        assert_eq!(e.code(), ErrorCode::Unauthorized);
    }
    let error = sign_in(server(&sandbox), credentials(), UA)
        .await
        .expect_err("throttled");
    assert_eq!(error.code(), ErrorCode::RateLimited);
    let seconds = error.retry_after_seconds().expect("retry_after_seconds");
    assert!((1..=900).contains(&seconds), "retry after {seconds} s");
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let config = ServerConfig::parse(ServerKind::Remote, &format!("http://{addr}")).expect("url");
    let password = Secret::new("x".into());
    let error = sign_in(
        config,
        Credentials {
            email: "a@b.example",
            password: &password,
        },
        UA,
    )
    .await
    .expect_err("nothing listens there");
    assert_eq!(error.code(), ErrorCode::Network, "{error}");
}

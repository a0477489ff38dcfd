//! The technician's side of the HTTP API, as a signed-in reqwest client.

use std::sync::Arc;

use protocol::api::{ApiError, LoginRequest, PinIssued, PinRequest, SessionReport};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::{Response, Url};

use crate::Result;

/// A technician signed in over HTTP; the login cookie lives in `jar`.
#[derive(Clone)]
pub struct TechnicianClient {
    http: reqwest::Client,
    /// Holds the login cookie, which console WebSockets must carry too.
    jar: Arc<Jar>,
    base: Url,
    pub username: String,
}

impl TechnicianClient {
    /// `POST /api/login`. Sends the server's own origin, like the console page.
    pub async fn sign_in(base: &str, username: &str, password: &str) -> Result<TechnicianClient> {
        let jar = Arc::new(Jar::default());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .build()?;
        let base = Url::parse(base)?;
        let client = TechnicianClient {
            http,
            jar,
            base,
            username: username.to_owned(),
        };
        let response = client
            .http
            .post(client.url("/api/login"))
            .header("origin", client.origin())
            .json(&LoginRequest {
                username: username.into(),
                password: password.into(),
            })
            .send()
            .await?;
        ok(response, "sign in").await?;
        if client.cookie().is_none() {
            return Err("signed in, but the server set no login cookie".into());
        }
        Ok(client)
    }

    fn url(&self, path: &str) -> Url {
        self.base.join(path).expect("API paths are valid")
    }

    /// `http://host:port`, as a browser would send in `Origin`.
    pub fn origin(&self) -> String {
        self.base.origin().ascii_serialization()
    }

    /// The `Cookie` header value a console WebSocket needs.
    pub fn cookie(&self) -> Option<String> {
        let value = self.jar.cookies(&self.base)?;
        value.to_str().ok().map(str::to_owned)
    }

    /// `POST /api/pins` ("New PIN").
    pub async fn new_pin(&self, notes: Option<&str>) -> Result<PinIssued> {
        let response = self
            .http
            .post(self.url("/api/pins"))
            .header("origin", self.origin())
            .json(&PinRequest {
                notes: notes.map(str::to_owned),
                replaces: None,
            })
            .send()
            .await?;
        Ok(ok(response, "create a PIN").await?.json().await?)
    }

    /// `GET /api/sessions`: this technician's reports, newest first.
    pub async fn sessions(&self) -> Result<Vec<SessionReport>> {
        let response = self.http.get(self.url("/api/sessions")).send().await?;
        Ok(ok(response, "list sessions").await?.json().await?)
    }
}

/// The response if it succeeded, else an error with the server's own words.
async fn ok(response: Response, what: &str) -> Result<Response> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    let reason = match serde_json::from_str::<ApiError>(&text) {
        Ok(e) => format!("{} ({})", e.message, e.code.as_str()),
        Err(_) => text,
    };
    Err(format!("could not {what}: HTTP {status}: {reason}").into())
}

//! `GET /healthz` and `GET /metrics`.

use warp::Reply;
use warp::http::header::CONTENT_TYPE;
use warp::reply::Response;

use super::Context;

pub fn healthz() -> Response {
    "ok\n".into_response()
}

pub fn metrics(ctx: &Context) -> Response {
    ctx.hub.refresh_gauges();
    let mut response = ctx.hub.metrics().render().into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
            .parse()
            .expect("static header"),
    );
    response
}

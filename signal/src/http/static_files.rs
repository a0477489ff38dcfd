//! The built web app, with every unknown page answered by `index.html` so
//! `/console` and `/?code=...` load the app (which routes itself).

use std::path::{Path, PathBuf};

use warp::filters::BoxedFilter;
use warp::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use warp::path::FullPath;
use warp::reply::Response;
use warp::{Filter, Reply};

/// Shown when the app has not been built, so the admin learns why the page
/// is empty instead of seeing a bare 404.
const NOT_BUILT: &str = "<!doctype html><meta charset=utf-8><title>Lifeline</title>\
<h1>Lifeline is running</h1><p>The web app has not been built yet. Run <code>scripts/run</code> \
(or <code>trunk build --release</code>) and start the server with <code>--static dist</code>.</p>";

/// GET requests for anything that is not the API, the socket or a helper
/// download (whose refusals must reach the customer as JSON, not as the
/// app's page).
fn app_path() -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    warp::get()
        .and(warp::path::full())
        .and_then(|path: FullPath| async move {
            let p = path.as_str();
            if p.starts_with("/api/") || p == "/api" || p == "/ws" || p.starts_with("/helper/") {
                Err(warp::reject::not_found())
            } else {
                Ok(())
            }
        })
        .untuple_one()
}

pub fn routes(static_dir: Option<&Path>) -> BoxedFilter<(Response,)> {
    let index = static_dir
        .map(|d| d.join("index.html"))
        .filter(|p| p.is_file());
    match (static_dir, index) {
        (Some(dir), Some(index)) => {
            let dir: PathBuf = dir.to_owned();
            let files = warp::fs::dir(dir).map(Reply::into_response);
            let fallback = warp::fs::file(index).map(|file: warp::fs::File| {
                // The app shell must be re-checked so a new release is picked
                // up; the files it names carry content hashes.
                let mut response = file.into_response();
                response
                    .headers_mut()
                    .insert(CACHE_CONTROL, "no-cache".parse().expect("static header"));
                response
            });
            app_path().and(files.or(fallback).unify()).boxed()
        }
        _ => {
            if let Some(dir) = static_dir {
                tracing::warn!(
                    "no web app in {} (index.html missing); serving a placeholder page",
                    dir.display()
                );
            }
            app_path()
                .map(|| {
                    let mut response = NOT_BUILT.into_response();
                    response.headers_mut().insert(
                        CONTENT_TYPE,
                        "text/html; charset=utf-8".parse().expect("static header"),
                    );
                    response
                })
                .boxed()
        }
    }
}

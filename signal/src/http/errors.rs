//! Every failure becomes a JSON `{code, message}` with a fitting status.

use std::convert::Infallible;

use protocol::ErrorCode;
use protocol::api::ApiError;
use warp::http::StatusCode;
use warp::reply::Response;
use warp::{Rejection, Reply};

use crate::hub::Refusal;

/// A refusal on its way out as an HTTP error.
#[derive(Debug)]
pub struct ApiRejection {
    pub status: StatusCode,
    pub body: ApiError,
}

impl warp::reject::Reject for ApiRejection {}

impl ApiRejection {
    pub fn new(code: ErrorCode) -> Self {
        ApiRejection {
            status: status_of(code),
            body: ApiError::new(code),
        }
    }

    /// A rejection with its own status and sentence.
    pub fn saying(status: StatusCode, code: ErrorCode, message: String) -> Self {
        ApiRejection {
            status,
            body: ApiError {
                message,
                ..ApiError::new(code)
            },
        }
    }
}

impl From<Refusal> for ApiRejection {
    fn from(r: Refusal) -> Self {
        ApiRejection {
            status: status_of(r.code),
            body: ApiError {
                message: r.message.unwrap_or_else(|| r.code.message().to_owned()),
                code: r.code,
                retry_after_secs: r.retry_after_secs,
            },
        }
    }
}

/// Turns a refusal into a warp rejection, for `?` in handlers.
pub fn reject(r: impl Into<ApiRejection>) -> Rejection {
    warp::reject::custom(r.into())
}

fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidCredentials | ErrorCode::NotSignedIn => StatusCode::UNAUTHORIZED,
        ErrorCode::ForbiddenOrigin => StatusCode::FORBIDDEN,
        ErrorCode::SessionNotFound
        | ErrorCode::NotFound
        | ErrorCode::PinUnknown
        | ErrorCode::HelperTokenUnknown
        | ErrorCode::HelperNotAvailable => StatusCode::NOT_FOUND,
        ErrorCode::HelperTokenUsed | ErrorCode::HelperTokenExpired => StatusCode::GONE,
        ErrorCode::RateLimited | ErrorCode::TooManyConnections => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::ServerBusy => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::TooLong | ErrorCode::FrameTooLarge | ErrorCode::RecordingTooLarge => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        ErrorCode::OutOfOrder | ErrorCode::TooManyRecordings => StatusCode::CONFLICT,
        ErrorCode::Internal | ErrorCode::Unknown => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// A missing or wrong header is nearly always a plain GET of `/ws`.
fn header_message(name: &str) -> String {
    if matches!(
        name,
        "connection" | "upgrade" | "sec-websocket-key" | "sec-websocket-version"
    ) {
        "This address is for WebSocket connections.".to_owned()
    } else {
        format!("The {name} header is missing or not valid.")
    }
}

/// The one place rejections turn into responses.
pub async fn recover(err: Rejection) -> Result<Response, Infallible> {
    use ErrorCode::{BadRequest, MalformedMessage, TooLong};
    let said = ApiRejection::saying;
    let rejection = if let Some(api) = err.find::<ApiRejection>() {
        ApiRejection {
            status: api.status,
            body: api.body.clone(),
        }
    } else if err.is_not_found() {
        ApiRejection::new(ErrorCode::NotFound)
    } else if err.find::<warp::reject::PayloadTooLarge>().is_some() {
        said(
            StatusCode::PAYLOAD_TOO_LARGE,
            TooLong,
            "The request body is too large.".into(),
        )
    } else if let Some(e) = err.find::<warp::filters::body::BodyDeserializeError>() {
        said(
            StatusCode::BAD_REQUEST,
            MalformedMessage,
            format!("The request body is not the JSON this endpoint expects: {e}"),
        )
    } else if err.find::<warp::reject::MethodNotAllowed>().is_some() {
        said(
            StatusCode::METHOD_NOT_ALLOWED,
            BadRequest,
            "That method is not allowed here.".into(),
        )
    } else if err.find::<warp::reject::UnsupportedMediaType>().is_some() {
        said(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            BadRequest,
            "Send the body as application/json.".into(),
        )
    } else if let Some(e) = err.find::<warp::reject::InvalidHeader>() {
        said(
            StatusCode::BAD_REQUEST,
            BadRequest,
            header_message(e.name()),
        )
    } else if let Some(e) = err.find::<warp::reject::MissingHeader>() {
        said(
            StatusCode::BAD_REQUEST,
            BadRequest,
            header_message(e.name()),
        )
    } else if err.find::<warp::reject::InvalidQuery>().is_some() {
        said(
            StatusCode::BAD_REQUEST,
            BadRequest,
            "The query string is not valid.".into(),
        )
    } else {
        tracing::warn!("unhandled rejection: {err:?}");
        ApiRejection::new(ErrorCode::Internal)
    };
    let mut response =
        warp::reply::with_status(warp::reply::json(&rejection.body), rejection.status)
            .into_response();
    if let Some(secs) = rejection.body.retry_after_secs
        && let Ok(value) = secs.to_string().parse()
    {
        response
            .headers_mut()
            .insert(warp::http::header::RETRY_AFTER, value);
    }
    Ok(response)
}

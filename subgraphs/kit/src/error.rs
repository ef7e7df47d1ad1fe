//! The contract's error codes and the one road from a failure to a GraphQL error.
//!
//! Services define their own error enum and implement [`ClientFacing`] with an exhaustive
//! `match` from variant to [`ErrorCode`]; [`graphql_error`] then builds the response error.
//! Internal failures are logged with their whole cause chain once, here, and the client sees
//! only a generic message: no SQL, DSN or address ever leaves the process.

use async_graphql::ErrorExtensions as _;

/// `extensions.code` values promised by the API contract (DESIGN.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadUserInput,
    NotFound,
    Conflict,
    InvalidState,
    DoctorUnavailable,
    UpstreamUnavailable,
    Unauthenticated,
    Forbidden,
    /// A request over one of the limits of [`crate::limits`] (too deep, too large, too slow).
    LimitExceeded,
    InternalServerError,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::InvalidState => "INVALID_STATE",
            Self::DoctorUnavailable => "DOCTOR_UNAVAILABLE",
            Self::UpstreamUnavailable => "UPSTREAM_UNAVAILABLE",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::LimitExceeded => "LIMIT_EXCEEDED",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }
}

/// An error that knows how it is shown to a client.
pub trait ClientFacing: std::error::Error + Send + Sync + 'static {
    fn code(&self) -> ErrorCode;

    /// The input field at fault, as the caller named it (`input.email`, `first`), if any.
    fn field(&self) -> Option<&str> {
        None
    }
}

/// The message shown for every internal failure.
pub const INTERNAL_MESSAGE: &str = "internal error; it has been logged, please retry later";

/// The message shown when the service's database gave no connection in time.
pub const DATABASE_UNAVAILABLE_MESSAGE: &str =
    "the service's database is not answering; nothing was changed, retry shortly";

/// The message shown when the connection to the database broke during the request (the
/// server restarting, say). A transaction cut short is rolled back, but a connection lost
/// just as the server committed leaves the change made: a retry then says so (`CONFLICT`,
/// `INVALID_STATE`), so retrying is safe.
pub const DATABASE_CONNECTION_LOST_MESSAGE: &str = "the service lost its connection to its database during the request; retry shortly (if the change was made after all, the retry says so)";

/// Converts a service error into the GraphQL error a client sees. An internal failure
/// because the database gave no connection in time (down, frozen, overloaded), or because
/// the connection broke (the server restarting), is `UPSTREAM_UNAVAILABLE`: a retry may
/// succeed.
pub fn graphql_error<E: ClientFacing>(error: E) -> async_graphql::Error {
    let (code, message) = match error.code() {
        ErrorCode::InternalServerError => match database_trouble(&error) {
            Some(trouble) => {
                tracing::warn!(error = %error_chain(&error), "request failed: {}", trouble.describe());
                (ErrorCode::UpstreamUnavailable, trouble.message().to_owned())
            }
            None => {
                tracing::error!(error = %error_chain(&error), "request failed");
                (ErrorCode::InternalServerError, INTERNAL_MESSAGE.to_owned())
            }
        },
        code => (code, error.to_string()),
    };
    let field = error.field().map(str::to_owned);
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code.as_str());
        if let Some(field) = &field {
            extensions.set("field", field.as_str());
        }
    })
}

/// Why a request could not use the service's database, when that is the cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatabaseTrouble {
    /// The pool gave no connection (timed out or closed): the request never reached it.
    NoConnection,
    /// The connection broke, or the server ended it (shutting down, restarting).
    ConnectionLost,
}

impl DatabaseTrouble {
    fn message(self) -> &'static str {
        match self {
            Self::NoConnection => DATABASE_UNAVAILABLE_MESSAGE,
            Self::ConnectionLost => DATABASE_CONNECTION_LOST_MESSAGE,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::NoConnection => "no database connection",
            Self::ConnectionLost => "database connection lost",
        }
    }
}

/// An error refusing a whole request before any resolver ran (its body, its size, a
/// limit), with the contract's `code`.
pub fn request_error(message: impl Into<String>, code: ErrorCode) -> async_graphql::ServerError {
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    let mut error = async_graphql::ServerError::new(message, None);
    error.extensions = Some(extensions);
    error
}

/// `result.to_graphql()?` in a resolver: the only conversion a resolver should use.
///
/// async-graphql converts any `Display` error with `?` on its own, sending its text with no
/// code; going through this trait instead keeps codes on and internals out.
pub trait ToGraphql<T> {
    fn to_graphql(self) -> async_graphql::Result<T>;
}

impl<T, E: ClientFacing> ToGraphql<T> for Result<T, E> {
    fn to_graphql(self) -> async_graphql::Result<T> {
        self.map_err(graphql_error)
    }
}

/// The database trouble behind `error`, if any: a pool that gave no connection, an I/O
/// failure on the connection, or the server ending it (SQLSTATE class 08, connection
/// exception, on both servers; PostgreSQL's 57P01-57P03, shutting down or starting up).
fn database_trouble(error: &(dyn std::error::Error + 'static)) -> Option<DatabaseTrouble> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        match error.downcast_ref::<sqlx::Error>() {
            Some(sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed) => {
                return Some(DatabaseTrouble::NoConnection);
            }
            Some(sqlx::Error::Io(_)) => return Some(DatabaseTrouble::ConnectionLost),
            Some(sqlx::Error::Database(database))
                if database.code().is_some_and(|code| {
                    code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")
                }) =>
            {
                return Some(DatabaseTrouble::ConnectionLost);
            }
            _ => {}
        }
        cause = error.source();
    }
    None
}

/// `outer: inner: innermost`, for logs.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A record the caller may not see or change (record-level rules, [`crate::context::Caller`]).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub &'static str);

impl ClientFacing for Forbidden {
    fn code(&self) -> ErrorCode {
        ErrorCode::Forbidden
    }
}

/// Bad input on one field, for the checks every service shares (ids, pagination).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl ClientFacing for InputError {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadUserInput
    }

    fn field(&self) -> Option<&str> {
        Some(&self.field)
    }
}

/// Parses a GraphQL `ID` argument as a UUID, naming `field` when it is not one.
pub fn parse_id(field: &str, id: &str) -> Result<uuid::Uuid, InputError> {
    uuid::Uuid::try_parse(id.trim())
        .map_err(|_| InputError::new(field, format!("`{field}` must be a UUID, got {id:?}")))
}

/// Free text of at most `max` characters (notes, reasons, search terms); longer text is
/// bad input on `field`, saying how long it was.
pub fn bounded_text(
    field: &str,
    text: Option<String>,
    max: usize,
) -> Result<Option<String>, InputError> {
    match text {
        Some(text) if text.chars().count() > max => Err(InputError::new(
            field,
            format!(
                "`{field}` must be at most {max} characters, got {}",
                text.chars().count()
            ),
        )),
        text => Ok(text),
    }
}

/// Errors async-graphql raises itself (syntax, validation, unparsable arguments) carry no
/// code; every error our resolvers raise does. Give the former the contract's
/// `BAD_USER_INPUT`, and the argument they name as `field` (`input.name`).
pub(crate) fn label_request_errors(response: &mut async_graphql::Response) {
    for error in &mut response.errors {
        if crate::limits::label_limit_error(error) {
            continue;
        }
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_some() {
            continue;
        }
        extensions.set("code", ErrorCode::BadUserInput.as_str());
        if let Some(field) = field_named_in(&error.message) {
            extensions.set("field", field);
        }
    }
}

/// `input.name` from `Invalid value for argument "input", field "name" ...`,
/// `input.name` from `Invalid value for argument "input.name", ...`, `id` from
/// `Field "patient" argument "id" ...`.
fn field_named_in(message: &str) -> Option<String> {
    let argument = quoted_after(message, "argument \"")?;
    Some(match quoted_after(message, "\", field \"") {
        Some(field) => format!("{argument}.{field}"),
        None => argument.to_owned(),
    })
}

fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let rest = &message[message.find(marker)? + marker.len()..];
    rest.find('"').map(|end| &rest[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not reach mysql://pms:secret@10.0.0.5/patients")]
    struct Leaky;

    impl ClientFacing for Leaky {
        fn code(&self) -> ErrorCode {
            ErrorCode::InternalServerError
        }
    }

    #[test]
    fn internal_errors_hide_their_cause_from_the_client() {
        let error = graphql_error(Leaky);
        assert_eq!(error.message, INTERNAL_MESSAGE);
        let extensions = serde_json::to_value(error.extensions).expect("extensions serialize");
        assert_eq!(extensions["code"], "INTERNAL_SERVER_ERROR");
    }

    #[derive(Debug, thiserror::Error)]
    enum ServiceError {
        #[error(transparent)]
        Unexpected(#[from] anyhow::Error),
    }

    impl ClientFacing for ServiceError {
        fn code(&self) -> ErrorCode {
            ErrorCode::InternalServerError
        }
    }

    #[test]
    fn a_database_that_gives_no_connection_is_an_upstream_to_retry() {
        let timed_out = anyhow::Error::new(sqlx::Error::PoolTimedOut).context("billing database");
        let error = graphql_error(ServiceError::from(timed_out));
        assert_eq!(error.message, DATABASE_UNAVAILABLE_MESSAGE);
        let extensions = serde_json::to_value(error.extensions).expect("extensions serialize");
        assert_eq!(extensions["code"], "UPSTREAM_UNAVAILABLE");

        let other = anyhow::Error::new(sqlx::Error::RowNotFound).context("billing database");
        let error = graphql_error(ServiceError::from(other));
        assert_eq!(error.message, INTERNAL_MESSAGE);
    }

    #[test]
    fn a_connection_lost_mid_request_is_an_upstream_to_retry() {
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let lost = anyhow::Error::new(sqlx::Error::Io(reset)).context("appointments database");
        let error = graphql_error(ServiceError::from(lost));
        assert_eq!(error.message, DATABASE_CONNECTION_LOST_MESSAGE);
        let extensions = serde_json::to_value(error.extensions).expect("extensions serialize");
        assert_eq!(extensions["code"], "UPSTREAM_UNAVAILABLE");
    }

    #[test]
    fn input_errors_carry_their_field() {
        let error = graphql_error(InputError::new("first", "`first` must be at most 100"));
        let extensions = serde_json::to_value(error.extensions).expect("extensions serialize");
        assert_eq!(extensions["code"], "BAD_USER_INPUT");
        assert_eq!(extensions["field"], "first");
    }

    #[test]
    fn a_malformed_id_is_bad_input_on_that_argument() {
        let error = parse_id("id", "42").expect_err("42 is not a UUID");
        assert_eq!(error.field, "id");
    }

    #[test]
    fn names_the_argument_async_graphql_complains_about() {
        let cases = [
            (
                r#"Invalid value for argument "input", field "name" of type "String!" is required but not provided"#,
                Some("input.name"),
            ),
            (
                r#"Invalid value for argument "input.specialization", enumeration type "Specialization" does not contain the value "X""#,
                Some("input.specialization"),
            ),
            (
                r#"Field "patient" argument "id" of type "Query" is required but not provided"#,
                Some("id"),
            ),
            (r#"Unknown field "nope" on type "Query"."#, None),
        ];
        for (message, field) in cases {
            assert_eq!(field_named_in(message).as_deref(), field, "{message}");
        }
    }
}

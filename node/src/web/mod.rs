//! axum handlers.

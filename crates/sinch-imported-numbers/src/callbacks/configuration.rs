//! The project's callback configuration: reading and replacing the secret
//! that signs callbacks (`GET`/`PATCH .../callbackConfiguration`).

use sinch_imported_numbers_api::{self as api, types};

use super::CallbackSecret;
use crate::core::handle::{Handle, Idempotency};
use crate::error::{Error, ErrorKind, Result};

/// The project's callback secret; a configuration without one is a
/// [`ErrorKind::Decode`] error.
pub(crate) async fn secret(handle: &Handle) -> Result<CallbackSecret> {
    let config = handle
        .call(Idempotency::Idempotent, || {
            handle
                .api
                .get_callback_configuration()
                .project_id(&handle.project_id)
                .send()
        })
        .await?;
    config
        .hmac_secret
        .filter(|s| !s.is_empty())
        .map(CallbackSecret::from_server)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Decode,
                "the callback configuration has no hmacSecret",
            )
        })
}

/// Replaces the project's callback secret.
pub(crate) async fn set_secret(handle: &Handle, secret: &CallbackSecret) -> Result<()> {
    let body = types::CallbackConfigurationUpdate {
        hmac_secret: secret.expose().to_owned(),
    };
    // The answer (the configuration) is not needed: any 2xx is success.
    handle
        .call(Idempotency::Idempotent, || async {
            let sent = handle
                .api
                .update_callback_configuration()
                .project_id(&handle.project_id)
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(answer) => Ok(api::ResponseValue::new(
                    (),
                    answer.status(),
                    answer.headers().clone(),
                )),
                // The documented 200 with a body that is not the
                // configuration: the secret is set all the same.
                Err(api::Error::InvalidResponsePayload(..)) => Ok(api::ResponseValue::new(
                    (),
                    reqwest::StatusCode::OK,
                    reqwest::header::HeaderMap::new(),
                )),
                Err(other) => Err(other),
            }
        })
        .await
}

//! Building the SDK client from flags and the environment, exactly as
//! `Client::from_env` reads it, with flags taking precedence. The key secret
//! comes only from `SINCH_KEY_SECRET` or a file (or standard input), never
//! from a flag value.

use std::io::Read;
use std::path::Path;

use sinch_imported_numbers::{AuthMode, Client};

use crate::args::{AuthArg, Connection};
use crate::failure::Failure;

/// Reads a secret from `path` (`-`: standard input), without its line end
/// and without the UTF-8 byte order mark some editors (Notepad) write
/// first, which is no part of the secret.
pub fn read_secret(path: &Path) -> Result<String, Failure> {
    let mut text = String::new();
    let result = if path == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    result.map_err(|e| {
        Failure::usage(format!(
            "cannot read the secret from {}: {e}",
            path.display()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let secret = text.trim_end_matches(['\r', '\n']).to_owned();
    if secret.is_empty() {
        return Err(Failure::usage(format!(
            "{} holds no secret",
            path.display()
        )));
    }
    Ok(secret)
}

/// The client for `connection`.
pub fn client(connection: &Connection) -> Result<Client, Failure> {
    let missing = |what: &str, flag: &str, var: &str| {
        Failure::usage(format!("{what} is not set")).hint(format!("pass {flag} or set {var}"))
    };
    let project_id = connection
        .project_id
        .clone()
        .ok_or_else(|| missing("the project id", "--project-id", "SINCH_PROJECT_ID"))?;
    let key_id = connection
        .key_id
        .clone()
        .ok_or_else(|| missing("the key id", "--key-id", "SINCH_KEY_ID"))?;
    let secret = match &connection.key_secret_file {
        Some(path) => read_secret(path)?,
        None => std::env::var("SINCH_KEY_SECRET").map_err(|_| {
            missing(
                "the key secret",
                "--key-secret-file PATH",
                "SINCH_KEY_SECRET",
            )
        })?,
    };
    let mut builder = Client::builder()
        .project_id(project_id)
        .key_id(key_id)
        .key_secret(secret);
    if let Some(url) = &connection.base_url {
        builder = builder.base_url(url);
    }
    if let Some(seconds) = connection.timeout {
        builder = builder.timeout(std::time::Duration::from_secs(seconds));
    }
    match (connection.auth, &connection.token_url) {
        (Some(AuthArg::Basic), _) => builder = builder.auth(AuthMode::Basic),
        // OAuth2: the SDK's default token endpoint for the base URL, unless given.
        (Some(AuthArg::Oauth2) | None, Some(url)) => {
            let mut mode = AuthMode::oauth2();
            if let AuthMode::OAuth2 { token_url, .. } = &mut mode {
                token_url.clone_from(url);
            }
            builder = builder.auth(mode);
        }
        (Some(AuthArg::Oauth2) | None, None) => {}
    }
    builder
        .build()
        .map_err(|e| Failure::usage(format!("configuration: {e}")))
}

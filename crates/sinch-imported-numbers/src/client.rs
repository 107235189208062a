//! The client: configuration, credentials, the imported-number calls, and
//! the accessors of the other resources.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use secrecy::SecretString;
use sinch_imported_numbers_api as api;

use crate::callbacks::CallbackSecret;
use crate::core::auth::{AccessKey, AuthMode, Authenticator};
use crate::core::handle::Handle;
use crate::error::{Error, ErrorKind, InputError, Result, Setting};
#[cfg(doc)]
use crate::DEFAULT_TOKEN_URL;
use crate::{callbacks, imported_numbers};
use crate::{
    BulkImport, HostingOrders, ImportedNumber, ListFilter, ListRequest, NumberImport, PhoneNumber,
    ProvisioningWait, QualifiedNumbers, RetryPolicy, SharedRate, UpdateRequest,
};

/// Where the Imported Numbers API is served.
pub const DEFAULT_BASE_URL: &str = "https://imported.numbers.api.sinch.com";

/// A client for one Sinch project. Cheap to clone; clones share the
/// connection pool and the OAuth2 token.
#[derive(Clone, Debug)]
pub struct Client {
    handle: Arc<Handle>,
}

/// Builds a [`Client`]. Every setting is checked by [`build`](Self::build)
/// before any request is made.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    project_id: Option<String>,
    key_id: Option<String>,
    key_secret: Option<SecretString>,
    base_url: Option<String>,
    auth: Option<AuthMode>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    max_response_bytes: Option<usize>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The project id from the Sinch dashboard (Settings > Projects).
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// The access key id.
    pub fn key_id(mut self, id: impl Into<String>) -> Self {
        self.key_id = Some(id.into());
        self
    }

    /// The access key secret. It is never shown by `Debug` or in errors.
    pub fn key_secret(mut self, secret: impl Into<String>) -> Self {
        self.key_secret = Some(SecretString::from(secret.into()));
        self
    }

    /// Overrides the API's base URL (default [`DEFAULT_BASE_URL`]), e.g. to
    /// point at a local test server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// How to authenticate. The default is OAuth2 client credentials, with
    /// the token from [`DEFAULT_TOKEN_URL`] for Sinch's base URL, or from
    /// `{base_url}/oauth2/token` when [`base_url`](Self::base_url) points
    /// elsewhere (a local fake, a gateway). [`AuthMode::Basic`] is for
    /// prototyping: Sinch rate-limits it heavily.
    pub fn auth(mut self, mode: AuthMode) -> Self {
        self.auth = Some(mode);
        self
    }

    /// How to retry failed calls (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Timeout for each HTTP request (default 30 s). Ignored when a
    /// [`reqwest_client`](Self::reqwest_client) is given.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The largest response body the client reads, success or error
    /// (default 16 MiB, far above any real page). A larger body fails the
    /// call with [`ErrorKind::Decode`] while it streams, without being
    /// buffered; an error response keeps its status. Must be at least 1 KiB.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Uses your own `reqwest::Client` (proxies, TLS roots, ...). Configure
    /// it with `redirect(reqwest::redirect::Policy::none())`, as the client's
    /// own is: API calls must not follow redirects.
    ///
    /// An escape hatch: it ties your code to the reqwest version this crate
    /// uses (0.13), which may change in a minor release.
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let project_id = self
            .project_id
            .ok_or(InputError::Missing(Setting::ProjectId))?;
        check_project_id(&project_id)?;
        let key_id = self
            .key_id
            .filter(|k| !k.trim().is_empty())
            .ok_or(InputError::Missing(Setting::KeyId))?;
        let secret = self
            .key_secret
            .ok_or(InputError::Missing(Setting::KeySecret))?;
        let base_url = normalise_base_url(
            Setting::BaseUrl,
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
        )?;
        let auth_mode = self.auth.unwrap_or_else(|| default_auth(&base_url));
        if let AuthMode::OAuth2 { token_url, .. } = &auth_mode {
            normalise_base_url(Setting::TokenUrl, token_url)?;
        }
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(api::DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes < 1024 {
            return Err(InputError::invalid(
                Setting::MaxResponseBytes,
                format!("{max_response_bytes} is below 1 KiB; no real response would fit"),
            )
            .into());
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let timeout = self.timeout.unwrap_or(Duration::from_secs(30));
                crate::tls::http_client_builder()?
                    // A redirected call is an error, never followed: a POST
                    // turned into a GET would read as success, and
                    // credentials must not go to another origin.
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(timeout)
                    .connect_timeout(timeout.min(Duration::from_secs(10)))
                    .user_agent(concat!(
                        "sinch-imported-numbers-rust/",
                        env!("CARGO_PKG_VERSION")
                    ))
                    .build()
                    .map_err(|e| {
                        Error::new(ErrorKind::Other, "could not build the HTTP client")
                            .with_source(e)
                    })?
            }
        };
        let key = AccessKey { id: key_id, secret };
        let secrets = key.secrets();
        let auth = Authenticator::new(&auth_mode, key, http.clone());
        let context = api::Context::new(api::Credentials::from_source(auth.clone()))
            .max_response_bytes(max_response_bytes)
            .secrets(secrets);
        let api = api::Client::new_with_client(&base_url, http, context);
        let direct = api::direct::DirectCalls::new(&api)
            .map_err(|reason| InputError::invalid(Setting::BaseUrl, reason))?;
        let retry = self.retry.unwrap_or_default();
        Ok(Client {
            handle: Arc::new(Handle {
                api,
                direct,
                project_id,
                auth,
                budget: retry
                    .retry_budget()
                    .map(crate::core::retry_budget::Budget::new),
                retry,
            }),
        })
    }
}

/// OAuth2 by default: against Sinch's token endpoint for Sinch's API, and
/// against the same server for any other base URL (the fake serves one).
fn default_auth(base_url: &str) -> AuthMode {
    let mut mode = AuthMode::oauth2();
    if base_url != DEFAULT_BASE_URL {
        if let AuthMode::OAuth2 { token_url, .. } = &mut mode {
            *token_url = format!("{base_url}/oauth2/token");
        }
    }
    mode
}

/// Project ids are path segments: letters, digits, `-` and `_` (Sinch's are
/// UUIDs). Anything else could leave the project's path (`..`, `/`, `%2F`) or
/// be rewritten on the way.
fn check_project_id(id: &str) -> Result<(), InputError> {
    let invalid =
        |reason: &str| InputError::invalid(Setting::ProjectId, format!("{id:?} {reason}"));
    if id.trim().is_empty() {
        return Err(InputError::Missing(Setting::ProjectId));
    }
    if id.len() > 128 {
        return Err(invalid("is longer than 128 characters"));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(invalid(
            "may contain only ASCII letters, digits, '-' and '_'",
        ));
    }
    Ok(())
}

fn normalise_base_url(setting: Setting, url: &str) -> Result<String, InputError> {
    let invalid = |reason: &str| InputError::invalid(setting, format!("{url:?} {reason}"));
    // The URL parser drops surrounding spaces without a word; what is
    // appended to the URL would keep them.
    if url.trim() != url {
        return Err(invalid("has whitespace at its start or end"));
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(&format!("is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(invalid("must be an http or https URL with a host"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid(
            "must not have a query or fragment (paths are appended to it)",
        ));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `SINCH_PROJECT_ID`,
    /// `SINCH_KEY_ID`, `SINCH_KEY_SECRET`, and optionally
    /// `SINCH_IMPORTED_NUMBERS_URL` (base URL override), `SINCH_AUTH`
    /// (`oauth2`, the default, or `basic` for prototyping; any case) and
    /// `SINCH_TOKEN_URL` (the OAuth2 token endpoint; see
    /// [`ClientBuilder::auth`] for its default).
    pub fn from_env() -> Result<Client> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Client> {
        let required = |name: &'static str| {
            get(name).ok_or(InputError::Missing(Setting::EnvironmentVariable(name)))
        };
        let mut builder = Client::builder()
            .project_id(required("SINCH_PROJECT_ID")?)
            .key_id(required("SINCH_KEY_ID")?)
            .key_secret(required("SINCH_KEY_SECRET")?);
        if let Some(url) = get("SINCH_IMPORTED_NUMBERS_URL") {
            builder = builder.base_url(url);
        }
        let auth = get("SINCH_AUTH");
        match auth.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("basic") => builder = builder.auth(AuthMode::Basic),
            // OAuth2, the builder's default unless the token URL is given.
            None | Some("oauth2") => {
                if let Some(url) = get("SINCH_TOKEN_URL") {
                    let mut mode = AuthMode::oauth2();
                    if let AuthMode::OAuth2 { token_url, .. } = &mut mode {
                        *token_url = url;
                    }
                    builder = builder.auth(mode);
                }
            }
            Some(_) => {
                return Err(InputError::invalid(
                    Setting::EnvironmentVariable("SINCH_AUTH"),
                    format!(
                        "{:?} is not basic or oauth2 (any case)",
                        auth.unwrap_or_default()
                    ),
                )
                .into())
            }
        }
        builder.build()
    }

    /// The project this client works on.
    pub fn project_id(&self) -> &str {
        &self.handle.project_id
    }

    /// The hosting-order calls: orders, their numbers' progress, reports.
    pub fn hosting_orders(&self) -> HostingOrders {
        HostingOrders::new(self.handle.clone())
    }

    /// The qualified-number calls: numbers whose ownership is being proven.
    pub fn qualified_numbers(&self) -> QualifiedNumbers {
        QualifiedNumbers::new(self.handle.clone())
    }

    /// Lists the numbers matching `filter`; see [`ListRequest`].
    pub fn list(&self, filter: ListFilter) -> ListRequest {
        imported_numbers::list::list(self.handle.clone(), filter)
    }

    /// Fetches one imported number. A number that is not imported gives
    /// [`ErrorKind::NotFound`].
    pub async fn get(&self, number: &PhoneNumber) -> Result<ImportedNumber> {
        imported_numbers::get(&self.handle, number).await
    }

    /// Imports a number you own into the project. An already imported number
    /// gives [`ErrorKind::AlreadyExists`].
    pub async fn import(&self, number: impl Into<NumberImport>) -> Result<ImportedNumber> {
        imported_numbers::import(&self.handle, number.into()).await
    }

    /// Imports a number as one of a group of calls sharing `rate` (see
    /// [`SharedRate`]): for bulk work you drive yourself, such as the rows
    /// of a file. A `429` pauses the whole group for its `Retry-After` and,
    /// with an adaptive rate, slows it to what the server allows.
    pub async fn import_sharing(
        &self,
        rate: &SharedRate,
        number: impl Into<NumberImport>,
    ) -> Result<ImportedNumber> {
        imported_numbers::import_in(&self.handle, Some(&rate.0), number.into()).await
    }

    /// Imports many numbers concurrently; see [`BulkImport`]. The numbers
    /// are pulled lazily, as imports finish, so the iterator must own what
    /// it yields (e.g. `vec.into_iter()`, not `vec.iter()`).
    pub fn import_many<I>(&self, numbers: I) -> BulkImport
    where
        I: IntoIterator,
        I::IntoIter: Send + 'static,
        I::Item: Into<NumberImport> + 'static,
    {
        let numbers = numbers.into_iter().map(Into::into);
        BulkImport::new(self.handle.clone(), futures::stream::iter(numbers))
    }

    /// Imports the numbers a stream yields (say, rows of a file being read),
    /// concurrently; see [`BulkImport`]. The stream is polled only when an
    /// import slot is free.
    pub fn import_stream<S>(&self, numbers: S) -> BulkImport
    where
        S: futures::Stream + Send + 'static,
        S::Item: Into<NumberImport> + 'static,
    {
        BulkImport::new(self.handle.clone(), numbers.map(Into::into))
    }

    /// Starts an update of `number`; see [`UpdateRequest`].
    pub fn update(&self, number: &PhoneNumber) -> UpdateRequest {
        UpdateRequest::new(self.handle.clone(), number.clone())
    }

    /// Moves `number` to another SMS service plan. The API refuses to link a
    /// number that is still linked, so this unlinks it first and then links it.
    pub async fn relink_service_plan(
        &self,
        number: &PhoneNumber,
        service_plan_id: &str,
    ) -> Result<ImportedNumber> {
        crate::imported_numbers::links::check_link_id(Setting::ServicePlanId, service_plan_id)?;
        self.update(number).unlink_service_plan().send().await?;
        self.update(number)
            .service_plan_id(service_plan_id)
            .send()
            .await
    }

    /// Moves `number` to another campaign: unlinks it first, then links it.
    pub async fn relink_campaign(
        &self,
        number: &PhoneNumber,
        campaign_id: &str,
    ) -> Result<ImportedNumber> {
        crate::imported_numbers::links::check_link_id(Setting::CampaignId, campaign_id)?;
        self.update(number).unlink_campaign().send().await?;
        self.update(number).campaign_id(campaign_id).send().await
    }

    /// Waits until `number`'s provisioning finishes (ready or failed),
    /// polling with backoff; see [`ProvisioningWait`] for its settings.
    pub fn wait_for_provisioning(&self, number: &PhoneNumber) -> ProvisioningWait {
        ProvisioningWait::new(self.handle.clone(), number.clone())
    }

    /// The secret that signs this project's callbacks; give it to
    /// [`callbacks::verify`](crate::callbacks::verify).
    pub async fn callback_secret(&self) -> Result<CallbackSecret> {
        callbacks::configuration::secret(&self.handle).await
    }

    /// Replaces the secret that signs this project's callbacks.
    pub async fn set_callback_secret(&self, secret: &CallbackSecret) -> Result<()> {
        callbacks::configuration::set_secret(&self.handle, secret).await
    }

    /// Removes an imported number from the project.
    pub async fn delete(&self, number: &PhoneNumber) -> Result<()> {
        imported_numbers::delete(&self.handle, number).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input_error(result: Result<Client>) -> InputError {
        result
            .unwrap_err()
            .input_error()
            .cloned()
            .expect("an input error")
    }

    fn valid() -> ClientBuilder {
        Client::builder()
            .project_id("p")
            .key_id("k")
            .key_secret("s")
    }

    #[test]
    fn build_checks_every_setting() {
        assert_eq!(
            input_error(Client::builder().key_id("k").key_secret("s").build()),
            InputError::Missing(Setting::ProjectId)
        );
        assert_eq!(
            input_error(valid().project_id("  ").build()),
            InputError::Missing(Setting::ProjectId)
        );
        for bad in ["a/b", "..", ".", "a%2Fb", "a b", "ä", "p?x=1", "p#f"] {
            assert!(
                matches!(
                    input_error(valid().project_id(bad).build()),
                    InputError::Invalid {
                        setting: Setting::ProjectId,
                        ..
                    }
                ),
                "{bad:?}"
            );
        }
        assert!(valid()
            .project_id("d1923022-5199-4bb3-a513-c47b3a656bc5")
            .build()
            .is_ok());
        assert_eq!(
            input_error(valid().key_id("").build()),
            InputError::Missing(Setting::KeyId)
        );
        // A space a copy and paste left at either end is named as the
        // base URL's fault (the token URL is derived from it).
        for bad in [
            "ftp://x",
            "not a url",
            "http://127.0.0.1:18080 ",
            " http://x",
        ] {
            assert_eq!(
                input_error(valid().base_url(bad).build()).setting(),
                Some(Setting::BaseUrl),
                "{bad:?}"
            );
        }
        let bad_token = AuthMode::OAuth2 {
            token_url: "nope".into(),
            refresh_margin: Duration::ZERO,
        };
        assert_eq!(
            input_error(valid().auth(bad_token).build()).setting(),
            Some(Setting::TokenUrl)
        );
        assert_eq!(valid().build().unwrap().project_id(), "p");
    }

    #[test]
    fn debug_hides_the_secret() {
        let builder = valid().key_secret("super-secret-value");
        assert!(!format!("{builder:?}").contains("super-secret-value"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("super-secret-value"));
    }

    #[test]
    fn from_env_reads_the_documented_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let err = Client::from_lookup(env(&[("SINCH_PROJECT_ID", "p")])).unwrap_err();
        assert_eq!(
            err.input_error(),
            Some(&InputError::Missing(Setting::EnvironmentVariable(
                "SINCH_KEY_ID"
            )))
        );
        let client = Client::from_lookup(env(&[
            ("SINCH_PROJECT_ID", "proj"),
            ("SINCH_KEY_ID", "k"),
            ("SINCH_KEY_SECRET", "s"),
            ("SINCH_IMPORTED_NUMBERS_URL", "http://127.0.0.1:9/"),
            ("SINCH_AUTH", "oauth2"),
        ]))
        .unwrap();
        assert_eq!(client.project_id(), "proj");
        for spelling in ["OAuth2", "OAUTH2", "Basic"] {
            let built = Client::from_lookup(|name: &str| match name {
                "SINCH_PROJECT_ID" | "SINCH_KEY_ID" | "SINCH_KEY_SECRET" => Some("x".to_owned()),
                "SINCH_AUTH" => Some(spelling.to_owned()),
                _ => None,
            });
            assert!(built.is_ok(), "{spelling}");
        }
        let err = Client::from_lookup(env(&[
            ("SINCH_PROJECT_ID", "p"),
            ("SINCH_KEY_ID", "k"),
            ("SINCH_KEY_SECRET", "s"),
            ("SINCH_AUTH", "digest"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("SINCH_AUTH is invalid"), "{err}");
    }
}
